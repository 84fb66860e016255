/**
 * Crosslisting against the real API, worker and BOTH sandbox flavours: a draft from a photo,
 * crosslisted from the dialog to a Sandbox marketplace account and a Sandbox Bazaar account — the
 * preview names the missing size on the Bazaar first, the draft is fixed, then both listings go
 * live with the Bazaar's category words and price rule, and the badges turn live by themselves.
 * Then a buyer buys it on the first sandbox and the seller marks it sold (no route starts the sync that
 * would see the sale; the backend's tests cover that path): its Bazaar listing comes down (gone from
 * that sandbox), the badges follow live, and the seller is told.
 */
import { dropPhotos, expect, screenshots, test } from "./fixtures";
import type { Page } from "@playwright/test";

const SANDBOX_PASSWORD = "sandbox-pass-1";

interface SandboxItem {
  id: number;
  title: string;
  price: string | number;
  category?: string | null;
  condition?: string | null;
  size?: string | null;
  sold?: boolean;
  deleted?: boolean;
}

function sandboxUrl(flavour: "a" | "b"): string {
  const url = flavour === "a" ? process.env.E2E_SANDBOX_URL : process.env.E2E_SANDBOX_B_URL;
  if (!url) throw new Error(`The sandbox (flavour ${flavour}) address is not set: global setup did not run`);
  return url;
}

async function sandboxSeller(flavour: "a" | "b", username: string): Promise<void> {
  const created = await fetch(`${sandboxUrl(flavour)}/__control/users`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ username, password: SANDBOX_PASSWORD }),
  });
  expect(created.status, await created.text()).toBe(201);
}

async function sandboxItems(flavour: "a" | "b", seller: string): Promise<SandboxItem[]> {
  const response = await fetch(`${sandboxUrl(flavour)}/__control/items?seller=${encodeURIComponent(seller)}`);
  expect(response.status).toBe(200);
  return (await response.json()) as SandboxItem[];
}

/** A call of the API as the signed-in user (the SPA's own token). */
async function call<T>(page: Page, method: string, path: string, body?: unknown): Promise<T> {
  const access = await page.evaluate(() => (JSON.parse(localStorage.getItem("sellpilot.tokens")!) as { access: string }).access);
  const response = await page.request.fetch(`/api/v1${path}`, { method, headers: { Authorization: `Bearer ${access}` }, data: body });
  expect(response.ok(), `${method} ${path}: ${await response.text()}`).toBe(true);
  return (await response.json()) as T;
}

/**
 * Room for more jobs at once than the Free plan's two: a fresh account's first analytics sync starts
 * within the minute, and two of those in flight would leave the crosslist a 402 (which the dialog shows).
 * Set as the operator would, with the admin console's override (superuser API).
 */
async function roomForJobs(page: Page): Promise<void> {
  const email = process.env.E2E_SUPERUSER_EMAIL;
  const password = process.env.E2E_SUPERUSER_PASSWORD;
  if (!email || !password) throw new Error("The e2e superuser is not set: global setup did not run");
  const me = await call<{ workspace: { id: string } }>(page, "GET", "/auth/me");
  const login = await page.request.post("/api/v1/auth/login", { data: { email, password } });
  expect(login.ok(), await login.text()).toBe(true);
  const { access_token } = (await login.json()) as { access_token: string };
  const expires = new Date(Date.now() + 24 * 3600 * 1000).toISOString();
  const set = await page.request.post(`/api/v1/admin/workspaces/${me.workspace.id}/overrides`, {
    headers: { Authorization: `Bearer ${access_token}` },
    data: { resource: "concurrent_jobs", limit: 10, expires_at: expires, reason: "e2e: crosslisting beside the accounts' first syncs" },
  });
  expect(set.status(), await set.text()).toBe(201);
}

test("a draft crosslisted to two sandboxes from the dialog (a problem first, then fixed), live badges; sold on one, delisted from the other", async ({ page }) => {
  test.setTimeout(240_000);
  const stamp = Date.now().toString(36);
  const sellerA = `xl-a-${stamp}`;
  const sellerB = `xl-b-${stamp}`;
  await sandboxSeller("a", sellerA);
  await sandboxSeller("b", sellerB);

  await page.goto("/register");
  await page.getByLabel("Full name").fill("Cross Lister");
  await page.getByLabel("Email").fill(`e2e-inventory-${stamp}@example.com`);
  await page.getByLabel("Password").fill("a long password");
  await page.getByRole("button", { name: "Sign up" }).click();
  await expect(page.getByRole("heading", { name: "Hello, Cross Lister" })).toBeVisible();

  await roomForJobs(page);
  await call(page, "POST", "/accounts", { platform: "sandbox", login: sellerA, password: SANDBOX_PASSWORD, label: "Shop A" });
  await call(page, "POST", "/accounts", { platform: "sandbox_b", login: sellerB, password: SANDBOX_PASSWORD, label: "Bazaar shop" });

  // Nothing in the inventory yet: the page says how to start.
  await page.getByRole("link", { name: /^Inventory/ }).first().click();
  await expect(page.getByText("Your inventory is empty")).toBeVisible();

  // A draft from a photo: a clothing category, no size (the offline AI never guesses one).
  await page.getByRole("link", { name: "New drafts", exact: true }).first().click();
  await dropPhotos(page, '[data-testid="dropzone"]', 1);
  await expect(page.locator('[data-testid="picked-file"][data-state="ready"]')).toHaveCount(1);
  await page.getByRole("button", { name: /Upload and make 1 draft/ }).click();
  await expect(page.getByTestId("job-progress").getByText("succeeded")).toBeVisible({ timeout: 60_000 });
  const draft = (await call<{ items: { id: string }[] }>(page, "GET", "/listings?limit=1")).items[0]!;
  const title = `Crosslisted dress ${stamp}`;
  await call(page, "PATCH", `/listings/${draft.id}`, { title, category: "Women > Dresses", price: 20, size: null, brand: "Acme", condition: "very_good" });

  // The editor's Crosslist: both accounts; the Bazaar needs a size, so nothing can start.
  await page.goto(`/drafts/${draft.id}`);
  await page.getByRole("button", { name: "Crosslist…" }).click();
  let dialog = page.getByTestId("crosslist-dialog");
  await dialog.getByLabel("Sandbox marketplace · Shop A").check();
  await dialog.getByLabel("Sandbox Bazaar · Bazaar shop").check();
  const bazaar = dialog.getByRole("region", { name: "Preview for Sandbox Bazaar · Bazaar shop" });
  await expect(bazaar.getByTestId("preview-problems")).toContainText(/size/i);
  await expect(bazaar.getByTestId("mapped-category")).toHaveText("Clothing / Women / Dresses");
  await expect(dialog.getByRole("button", { name: /^Crosslist/ })).toBeDisabled();
  await expect(dialog.getByTestId("crosslist-reason")).toHaveText("1 account has problems to fix first.");
  await screenshots(page, "crosslist-problem");

  // Fix the draft from the problem's link, then crosslist.
  await bazaar.getByRole("link", { name: "Edit the draft" }).first().click();
  await expect(dialog).toBeHidden();
  await page.getByLabel("Size").fill("M");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByText("Draft saved")).toBeVisible();
  await page.getByRole("button", { name: "Crosslist…" }).click();
  dialog = page.getByTestId("crosslist-dialog");
  await dialog.getByLabel("Sandbox marketplace · Shop A").check();
  await dialog.getByLabel("Sandbox Bazaar · Bazaar shop").check();
  await expect(dialog.getByTestId("target-preview")).toHaveCount(2);
  await expect(dialog.locator('[data-testid="target-preview"][data-state="ready"]')).toHaveCount(2);
  // The Bazaar's default price rule (+10 %, ending .99) shows before anything is published.
  const bazaarPrice = (await dialog.getByRole("region", { name: "Preview for Sandbox Bazaar · Bazaar shop" }).getByTestId("mapped-price").textContent())!;
  expect(bazaarPrice).not.toBe("20.00 EUR");
  await screenshots(page, "crosslist-ready");
  await dialog.getByRole("button", { name: "Crosslist to 2 accounts" }).click();

  // Live: the job's progress, then both badges live without a reload.
  await expect(dialog.getByTestId("job-progress").getByText("succeeded")).toBeVisible({ timeout: 90_000 });
  const badges = dialog.getByTestId("crosslist-badges").getByTestId("listing-badge");
  await expect(badges.filter({ hasText: "Sandbox marketplace · live" })).toHaveCount(1);
  await expect(badges.filter({ hasText: "Sandbox Bazaar · live" })).toHaveCount(1);
  await screenshots(page, "crosslist-done");

  // On the sandboxes: one item each; the Bazaar's in its own words, at its own price.
  const onA = (await sandboxItems("a", sellerA)).filter((i) => i.title === title);
  const onB = (await sandboxItems("b", sellerB)).filter((i) => i.title === title);
  expect(onA).toHaveLength(1);
  expect(onB).toHaveLength(1);
  expect(onB[0]!.category).toBe("Clothing / Women / Dresses");
  expect(onB[0]!.size).toBe("M");
  expect(bazaarPrice).toContain(Number(onB[0]!.price).toFixed(2));

  // The inventory: the item with a live badge per platform.
  await dialog.getByRole("link", { name: "Open in inventory" }).click();
  await expect(page.getByRole("heading", { name: title })).toBeVisible();
  await expect(page.getByTestId("platform-listing")).toHaveCount(2);
  await page.getByRole("link", { name: /^Inventory/ }).first().click();
  const row = page.getByTestId("inventory-item").filter({ hasText: title });
  await expect(row.getByTestId("listing-badge")).toHaveCount(2);
  await expect(row.locator('[data-testid="listing-badge"][data-status="live"]')).toHaveCount(2);
  await screenshots(page, "inventory");

  // A buyer buys it on the first sandbox. The analytics sync that would see it runs on the plan's interval
  // (hours on the Free plan) and no route starts one, so the seller marks it sold — the same door as a sale
  // the sync sees (record_sale): the Bazaar listing comes down.
  const bought = await fetch(`${sandboxUrl("a")}/__control/items/${onA[0]!.id}/buy`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ buyer: "erin" }),
  });
  expect(bought.status, await bought.text()).toBe(201);
  await row.getByRole("link", { name: title }).click();
  await page.getByRole("button", { name: "Mark sold…" }).click();
  const sold = page.getByTestId("mark-sold-dialog");
  await sold.getByLabel("Where it sold").selectOption({ label: "Sandbox marketplace · Shop A" });
  await sold.getByLabel("Buyer").fill("erin");
  await sold.getByRole("button", { name: "Mark sold" }).click();
  await expect(page.getByText(/sold on Sandbox marketplace: taking down its 1 other listing/)).toBeVisible();
  await expect(page.getByTestId("item-status")).toHaveText("sold");
  await expect(page.locator('[data-testid="platform-listing"][data-platform="sandbox_b"]')).toHaveAttribute("data-status", "delisted", { timeout: 90_000 });
  await expect(page.locator('[data-testid="platform-listing"][data-platform="sandbox"]')).toHaveAttribute("data-status", "sold");
  await expect.poll(async () => (await sandboxItems("b", sellerB)).filter((i) => i.title === title && !i.deleted).length, { timeout: 30_000 }).toBe(0);
  expect((await sandboxItems("a", sellerA)).filter((i) => i.title === title)).toHaveLength(1);
  await expect(page.getByTestId("needs-action-count")).toHaveCount(0);
  await screenshots(page, "inventory-item-sold");
});
