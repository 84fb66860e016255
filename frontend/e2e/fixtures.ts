import { test as base, expect, type Page } from "@playwright/test";
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";

export const ARTIFACTS = resolve(import.meta.dirname, "..", "e2e-artifacts", "screenshots");

// The server's address is only known once global setup has started it.
export const test = base.extend({
  baseURL: async ({}, use) => {
    const url = process.env.E2E_BASE_URL;
    if (!url) throw new Error("E2E_BASE_URL is not set: global setup did not run");
    await use(url);
  },
});
export { expect };

export const VIEWPORTS = {
  desktop: { width: 1280, height: 800 },
  phone: { width: 390, height: 844 },
} as const;

/**
 * Full-page screenshots of the current page at desktop and phone widths; at
 * each width the page must not scroll sideways (nothing wider than the window).
 */
export async function screenshots(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const original = page.viewportSize();
  for (const [label, size] of Object.entries(VIEWPORTS)) {
    await page.setViewportSize(size);
    await page.waitForLoadState("networkidle").catch(() => undefined);
    await expect
      .poll(() => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth), {
        message: `${name} at ${label} (${size.width} px) scrolls sideways by this many px`,
        timeout: 5_000,
      })
      .toBeLessThanOrEqual(0);
    await page.screenshot({ path: join(ARTIFACTS, `${name}-${label}.png`), fullPage: true });
  }
  if (original) await page.setViewportSize(original);
}

/**
 * Drop JPEG photos on an element, the way a browser does on a real drag and drop.
 * Each photo is drawn in the page with a different pattern so the server's
 * perceptual duplicate check sees distinct pictures.
 */
export async function dropPhotos(page: Page, selector: string, count: number): Promise<void> {
  await page.locator(selector).evaluate(async (zone, n) => {
    const palettes = [
      ["#d7263d", "#1b998b"],
      ["#2e294e", "#f46036"],
      ["#ffd23f", "#3bceac"],
      ["#540d6e", "#ee4266"],
      ["#0ead69", "#3d348b"],
    ];
    const files: File[] = [];
    for (let i = 0; i < n; i++) {
      const canvas = document.createElement("canvas");
      canvas.width = 480;
      canvas.height = 360;
      const ctx = canvas.getContext("2d")!;
      const [a, b] = palettes[i % palettes.length]!;
      ctx.fillStyle = a!;
      ctx.fillRect(0, 0, 480, 360);
      ctx.fillStyle = b!;
      if (i % 3 === 0) {
        for (let x = 0; x < 480; x += 60) ctx.fillRect(x, 0, 30, 360); // vertical stripes
      } else if (i % 3 === 1) {
        for (let y = 0; y < 360; y += 90) ctx.fillRect(0, y, 480, 45); // horizontal bands
      } else {
        ctx.beginPath(); // a big disc off-centre, with a square
        ctx.arc(150, 200, 120, 0, Math.PI * 2);
        ctx.fill();
        ctx.fillRect(320, 30, 130, 130);
      }
      ctx.fillStyle = "#000";
      ctx.font = "bold 40px sans-serif";
      ctx.fillText(`item ${i + 1}`, 20 + i * 37, 60 + i * 80);
      const blob = await new Promise<Blob>((ok) => canvas.toBlob((b) => ok(b!), "image/jpeg", 0.9));
      files.push(new File([blob], `product-${i + 1}.jpg`, { type: "image/jpeg" }));
    }
    const data = new DataTransfer();
    for (const file of files) data.items.add(file);
    zone.dispatchEvent(new DragEvent("dragover", { dataTransfer: data, bubbles: true, cancelable: true }));
    zone.dispatchEvent(new DragEvent("drop", { dataTransfer: data, bubbles: true, cancelable: true }));
  }, count);
}
