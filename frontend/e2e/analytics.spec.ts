/**
 * Analytics against the real API, worker and sandbox: a draft published on a fresh sandbox seller,
 * events sent to POST /analytics/events for it, then the Analytics page (totals and change, the
 * heatmap cell of that hour, the top listing linking to its draft, filters kept in the address,
 * the empty state of a platform with nothing) and the Sales page (its filters and empty state).
 */
import { dropPhotos, expect, screenshots, test } from "./fixtures";
import type { Page } from "@playwright/test";

const SANDBOX_PASSWORD = "sandbox-pass-1";

async function sandboxSeller(username: string): Promise<void> {
  const url = process.env.E2E_SANDBOX_URL;
  if (!url) throw new Error("E2E_SANDBOX_URL is not set: global setup did not run");
  const created = await fetch(`${url}/__control/users`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ username, password: SANDBOX_PASSWORD }),
  });
  expect(created.status, await created.text()).toBe(201);
}

/** A call of the API as the signed-in user (the SPA's own token). */
async function call<T>(page: Page, method: string, path: string, body?: unknown): Promise<T> {
  const access = await page.evaluate(() => (JSON.parse(localStorage.getItem("sellpilot.tokens")!) as { access: string }).access);
  const response = await page.request.fetch(`/api/v1${path}`, { method, headers: { Authorization: `Bearer ${access}` }, data: body });
  expect(response.ok(), `${method} ${path}: ${await response.text()}`).toBe(true);
  return (await response.json()) as T;
}

test("events for a published draft show on the analytics page; filters in the address; sales filters and empty state", async ({ page }) => {
  const stamp = Date.now().toString(36);
  const seller = `seller-${stamp}`;
  await sandboxSeller(seller);
  await page.goto("/register");
  await page.getByLabel("Full name").fill("Ana Lytics");
  await page.getByLabel("Email").fill(`e2e-analytics-${stamp}@example.com`);
  await page.getByLabel("Password").fill("a long password");
  await page.getByRole("button", { name: "Sign up" }).click();
  await expect(page.getByRole("heading", { name: "Hello, Ana Lytics" })).toBeVisible();

  // Nothing yet: the page says how numbers arrive.
  await page.getByRole("link", { name: "Analytics", exact: true }).first().click();
  await expect(page.getByText("No activity in this period yet")).toBeVisible();
  await expect(page.getByText("POST /api/v1/analytics/events")).toBeVisible();

  // A draft from a photo, published on the sandbox seller's account.
  const account = await call<{ id: string }>(page, "POST", "/accounts", { platform: "sandbox", login: seller, password: SANDBOX_PASSWORD, label: "Sandbox shop" });
  await page.getByRole("link", { name: "New drafts", exact: true }).first().click();
  await dropPhotos(page, '[data-testid="dropzone"]', 1);
  await expect(page.locator('[data-testid="picked-file"][data-state="ready"]')).toHaveCount(1);
  await page.getByRole("button", { name: /Upload and make 1 draft/ }).click();
  await expect(page.getByTestId("job-progress").getByText("succeeded")).toBeVisible({ timeout: 60_000 });
  const draft = (await call<{ items: { id: string; title: string }[] }>(page, "GET", "/listings?limit=1")).items[0]!;
  const job = await call<{ id: string }>(page, "POST", `/listings/${draft.id}/publish`, { account_id: account.id });
  await expect.poll(async () => (await call<{ status: string }>(page, "GET", `/jobs/${job.id}`)).status, { timeout: 60_000 }).toBe("succeeded");

  // Events at 10:00–11:00 local time yesterday: 40 views, 3 likes, one sale of 25.
  const at = new Date();
  at.setDate(at.getDate() - 1);
  at.setHours(10, 20, 0, 0);
  const occurred_at = at.toISOString();
  const events = [
    { kind: "view", value: 40, occurred_at, listing_id: draft.id, client_event_id: `v-${stamp}` },
    { kind: "like", value: 3, occurred_at, listing_id: draft.id, client_event_id: `l-${stamp}` },
    { kind: "sale", value: 25, currency: "EUR", occurred_at, listing_id: draft.id, client_event_id: `s-${stamp}` },
  ];
  expect(await call(page, "POST", "/analytics/events", { events })).toEqual({ accepted: 3, duplicates: 0 });

  await page.getByRole("link", { name: "Analytics", exact: true }).first().click();
  await page.getByLabel("Period").selectOption("7");
  await expect(page).toHaveURL(/\/analytics\?days=7$/);
  await expect(page.getByTestId("dashboard")).toBeVisible();
  await expect(page.getByTestId("total-likes")).toContainText("3");
  await expect(page.getByTestId("total-sales")).toContainText("1");
  await expect(page.getByTestId("total-revenue")).toContainText((25).toLocaleString("en-US", { minimumFractionDigits: 2 }));
  await expect(page.getByTestId("change-sales")).toHaveText("no data before");
  const weekday = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"][at.getDay()];
  await expect(page.getByTestId("heatmap").getByTitle(new RegExp(`^${weekday} 10:00–11:00: \\d+ views, 1 sales$`))).toHaveAttribute("data-level", "4");
  const top = page.getByRole("table", { name: "Most viewed (top 10)" });
  await expect(top.getByRole("link", { name: draft.title })).toHaveAttribute("href", `/drafts/${draft.id}`);
  await screenshots(page, "analytics");

  // Filters live in the address: a shared link opens the same view; a platform with nothing explains itself.
  await page.getByLabel("Platform").selectOption("vinted");
  await expect(page).toHaveURL(/days=7&platform=vinted/);
  await expect(page.getByText("No activity for these filters in this period")).toBeVisible();
  await page.reload();
  await expect(page.getByLabel("Platform")).toHaveValue("vinted");
  await page.goto("/analytics?days=7");
  await page.getByRole("table", { name: "Most viewed (top 10)" }).getByRole("link", { name: draft.title }).click();
  await expect(page.getByRole("heading", { name: "Edit draft" })).toBeVisible();

  // Sales come from the accounts' sync; with a platform filter nothing matches and export is off.
  await page.getByRole("link", { name: "Sales", exact: true }).first().click();
  await expect(page.getByRole("heading", { name: "Sales" })).toBeVisible();
  await page.getByLabel("Platform").selectOption("vinted");
  await expect(page.getByText("No sales match these filters")).toBeVisible();
  await expect(page.getByRole("button", { name: "Export CSV" })).toBeDisabled();
  await screenshots(page, "sales");
});
