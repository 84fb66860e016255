/**
 * How jobs end, as a person sees them: one that finished with a failure, one
 * paused by a platform challenge, one that failed with a long error; the plan
 * limit on accounts, the plan cards, and every main page without sideways
 * scrolling at desktop and phone widths.
 */
import { dropPhotos, expect, screenshots, test } from "./fixtures";

const SANDBOX_PASSWORD = "sandbox-pass-1";

function sandbox(): string {
  const url = process.env.E2E_SANDBOX_URL;
  if (!url) throw new Error("E2E_SANDBOX_URL is not set: global setup did not run");
  return url;
}

/** The sandbox's control API (what its own tests use): a fresh seller, and a challenge on its login. */
async function sandboxUser(username: string, challenge: boolean): Promise<void> {
  const created = await fetch(`${sandbox()}/__control/users`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ username, password: SANDBOX_PASSWORD }),
  });
  expect(created.status, await created.text()).toBe(201);
  if (challenge) {
    const set = await fetch(`${sandbox()}/__control/users/${username}/challenge`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ enabled: true }),
    });
    expect(set.status).toBe(200);
  }
}

test("a job with a failure, a paused job, a long error, the plan limit and the plan cards", async ({ page, baseURL }) => {
  const stamp = Date.now().toString(36);
  await page.goto("/register");
  await page.getByLabel("Full name").fill("Olive Outcomes");
  await page.getByLabel("Email").fill(`e2e-outcomes-${stamp}@example.com`);
  await page.getByLabel("Password").fill("a long password");
  await page.getByRole("button", { name: "Sign up" }).click();
  await expect(page.getByRole("heading", { name: "Hello, Olive Outcomes" })).toBeVisible();

  // --- A job that completes with one failure: check two proxies, one answers and one does not.
  await page.getByRole("link", { name: "Proxies" }).first().click();
  await expect(page.getByRole("heading", { name: "Proxies", exact: true })).toBeVisible();
  for (const [label, port] of [
    ["Working proxy", process.env.E2E_PROXY_PORT!],
    ["Dead proxy", "9"],
  ]) {
    await page.getByLabel("Host").fill("127.0.0.1");
    await page.getByLabel("Port").fill(port!);
    await page.getByLabel("Label").fill(label!);
    await page.getByRole("button", { name: "Add proxy" }).click();
    await expect(page.getByTestId("proxy-row").filter({ hasText: label })).toBeVisible();
  }
  await page.getByRole("button", { name: "Check all" }).click();
  await expect(page.getByTestId("proxy-row").filter({ hasText: "Working proxy" }).getByText("healthy", { exact: true })).toBeVisible();
  await expect(page.getByTestId("proxy-row").filter({ hasText: "Dead proxy" }).getByText("unhealthy")).toBeVisible();

  await page.getByRole("link", { name: "Jobs" }).first().click();
  const checkRow = page.getByTestId("job-row").filter({ hasText: "Check proxy" });
  await expect(checkRow.getByTestId("job-status")).toHaveText("completed with 1 failure");
  await expect(checkRow).toContainText("1 done · 1 failed of 2");
  await expect(checkRow.getByText("succeeded")).toHaveCount(0);
  await checkRow.getByRole("link", { name: "Check proxy" }).click();
  await expect(page.getByRole("heading", { name: "Check proxy" })).toBeVisible();
  const card = page.getByTestId("job-progress");
  await expect(card.getByTestId("job-status")).toHaveText("completed with 1 failure");
  await expect(card.getByTestId("job-progress-text")).toHaveText("1 done · 1 failed of 2");
  const bar = card.getByRole("progressbar", { name: "Job progress" });
  await expect(bar).toHaveAttribute("aria-valuenow", "100");
  await expect(bar.locator('[data-part="failed"]')).toHaveAttribute("style", /width: 50%/);
  await expect(bar.locator('[data-part="done"]')).toHaveAttribute("style", /width: 50%/);
  // Which item failed and why (the dead proxy, by its address), then the one that worked.
  const failedItems = page.getByTestId("job-item-failures");
  await expect(failedItems.getByTestId("job-item")).toHaveCount(1);
  await expect(failedItems).toContainText("127.0.0.1:9");
  await expect(failedItems).toContainText(/unhealthy: \S+/);
  await expect(page.getByTestId("job-item-done")).toContainText(`127.0.0.1:${process.env.E2E_PROXY_PORT}`);
  await screenshots(page, "job-with-failure");

  // --- A draft to publish: upload one photo; the "Making…" toast gives way to the outcome.
  await page.getByRole("link", { name: "New drafts", exact: true }).first().click();
  await dropPhotos(page, '[data-testid="dropzone"]', 1);
  await page.getByRole("button", { name: "Upload and make 1 draft" }).click();
  await expect(page.getByText("1 draft ready")).toBeVisible({ timeout: 60_000 });
  await expect(page.getByText("Making 1 draft…")).toHaveCount(0);
  await expect(page.getByTestId("job-progress").getByTestId("job-status")).toHaveText("succeeded");
  await expect(page.getByRole("button", { name: /Upload and make 0 drafts/ })).toHaveCount(0);
  await screenshots(page, "upload-done-outcome");

  // --- A paused job: the seller's login hits a challenge while publishing.
  const challenged = `olive${stamp}`;
  await sandboxUser(challenged, true);
  const wrong = `wrong${stamp}`;
  await sandboxUser(wrong, false);
  await page.getByRole("link", { name: "Accounts" }).first().click();
  await expect(page.getByRole("heading", { name: "Platform accounts", exact: true })).toBeVisible();
  for (const [login, password, label] of [
    [challenged, SANDBOX_PASSWORD, "Challenged shop"],
    [wrong, "not-the-password", "Wrong password shop"],
  ]) {
    await page.getByLabel("Login").fill(login!);
    await page.getByLabel("Password").fill(password!);
    await page.getByLabel("Label").fill(label!);
    await page.getByRole("button", { name: "Add account" }).click();
    await expect(page.getByTestId("account-row").filter({ hasText: label })).toBeVisible();
  }
  // The free plan's two accounts are in use: Add account is off, and says why.
  await expect(page.getByTestId("account-limit")).toContainText("Your Free plan allows 2 platform accounts, and 2 are in use.");
  await expect(page.getByRole("button", { name: "Add account" })).toBeDisabled();
  await screenshots(page, "accounts-at-limit");

  await page.getByRole("link", { name: "Drafts", exact: true }).first().click();
  await page.getByTestId("draft-card").first().click();
  await expect(page.getByRole("heading", { name: "Edit draft" })).toBeVisible();
  await page.getByLabel("Account").selectOption({ label: "Sandbox marketplace · Challenged shop" });
  await page.getByRole("button", { name: "Publish", exact: true }).click();
  const publishing = page.getByTestId("job-progress");
  await expect(publishing.getByTestId("job-status")).toHaveText("paused", { timeout: 90_000 });
  await expect(publishing.getByTestId("job-paused")).toContainText(/captcha|challenge/i);
  await screenshots(page, "draft-editor-paused");
  await page.getByRole("link", { name: "Jobs" }).first().click();
  const pausedRow = page.getByTestId("job-row").filter({ hasText: "Publish listing" });
  await expect(pausedRow.getByTestId("job-status")).toHaveText("paused");
  await expect(pausedRow.getByRole("link", { name: "The draft" })).toBeVisible();
  // The row says why it waits, and where to resume it.
  await expect(pausedRow.getByTestId("job-paused-note")).toContainText(/captcha|challenge/i);
  await expect(pausedRow.getByRole("link", { name: "Resume account" })).toHaveAttribute("href", /^\/accounts#account-[0-9a-f-]{36}$/);
  await screenshots(page, "jobs-paused-row");
  await pausedRow.getByRole("link", { name: "Publish listing" }).click();
  await expect(page.getByTestId("job-paused")).toContainText(/captcha|challenge/i);
  await screenshots(page, "job-paused");
  // "Resume account" lands on that account's row, where Resume is.
  await page.getByTestId("job-paused").getByRole("link", { name: "Resume account" }).click();
  const targeted = page.locator('[data-testid="account-row"][aria-current="location"]');
  await expect(targeted).toContainText("Challenged shop");
  await expect(targeted.getByRole("button", { name: "Resume" })).toBeVisible();
  await expect(targeted).toBeInViewport();
  await screenshots(page, "account-to-resume");

  // --- A failed job: a login test with the wrong password; its error shows once, inside the card.
  await page.getByRole("link", { name: "Accounts" }).first().click();
  await page.getByTestId("account-row").filter({ hasText: "Wrong password shop" }).getByRole("button", { name: "Test login" }).click();
  await page.getByTestId("account-row").filter({ hasText: "Wrong password shop" }).getByRole("link", { name: "follow the job" }).click();
  await expect(page.getByRole("heading", { name: "Test login" })).toBeVisible();
  await expect(page.getByTestId("job-progress").getByTestId("job-status")).toHaveText("failed", { timeout: 90_000 });
  const failure = page.getByTestId("job-error");
  await expect(failure).toBeVisible();
  const reason = (await failure.textContent())!.trim();
  expect(reason.length).toBeGreaterThan(0);
  await expect(page.getByText(reason, { exact: true })).toHaveCount(1);
  await expect(page.getByRole("link", { name: "The account" })).toBeVisible();
  await screenshots(page, "job-failed");

  // Whatever a platform's error says, however long, it stays inside the card.
  const jobUrl = page.url();
  const jobId = jobUrl.split("/").pop()!;
  const banner = [
    `╔${"═".repeat(160)}╗`,
    `║ Looks like Playwright Test or Playwright was just installed or updated. ${" ".repeat(80)}║`,
    `╚${"═".repeat(160)}╝`,
    `https://example.com/${"very-long-path-segment-".repeat(20)}`,
    ...Array.from({ length: 30 }, (_, i) => `  - waiting for locator('form#sell button[type=submit]') attempt ${i + 1}`),
  ].join("\n");
  await page.route(`**/api/v1/jobs/${jobId}`, async (route) => {
    const response = await route.fetch();
    const body = (await response.json()) as Record<string, unknown>;
    await route.fulfill({ response, json: { ...body, error: banner } });
  });
  await page.reload();
  await expect(page.getByTestId("job-error")).toContainText("Looks like Playwright");
  await screenshots(page, "job-long-error");
  await page.unroute(`**/api/v1/jobs/${jobId}`);

  // --- The plan cards: price a month, limits, and what the workspace uses.
  await page.getByRole("link", { name: "Billing" }).first().click();
  await expect(page.getByTestId("plan-title")).toHaveText("Free");
  const pro = page.getByTestId("plan-pro");
  await expect(pro.getByTestId("plan-pro-price")).toContainText("29");
  await expect(pro.getByTestId("plan-pro-price")).toContainText("/ month");
  await expect(pro.getByTestId("plan-pro-platform_accounts")).toContainText("10 platform accounts");
  await expect(pro.getByTestId("plan-pro-platform_accounts")).toContainText("you use 2");
  await expect(pro.getByTestId("plan-pro-ai_generations")).toContainText("500 AI generations a month");
  await expect(pro.getByTestId("plan-pro-active_rules")).toContainText("25 active automation rules");
  await expect(pro.getByTestId("plan-pro-concurrent_jobs")).toContainText("10 concurrent jobs");
  await expect(pro.getByTestId("plan-pro-seats")).toContainText("5 seats");
  await expect(page.getByTestId("plan-business-price")).toContainText("99");
  await expect(page.getByTestId("plan-free").getByText("Current plan")).toBeVisible();
  await screenshots(page, "billing-plans");

  // --- Settings: the only owner is told why there is no Leave, and the email shows once.
  await page.getByRole("link", { name: "Settings" }).first().click();
  await expect(page.getByRole("heading", { name: "Settings", exact: true })).toBeVisible();
  await expect(page.getByTestId("only-owner")).toBeVisible();
  await expect(page.getByRole("button", { name: "Leave" })).toHaveCount(0);
  const me = page.getByTestId("member-row");
  await expect(me.getByText("Olive Outcomes", { exact: true })).toBeVisible();
  await expect(me.getByText(new RegExp(`^e2e-outcomes-${stamp}@example\\.com`))).toHaveCount(1);
  await screenshots(page, "settings-only-owner");

  // --- Every main page, at both widths, without sideways scrolling.
  for (const [name, path, heading] of [
    ["page-dashboard", "/", "Hello, Olive Outcomes"],
    ["page-upload", "/upload", "New drafts from photos"],
    ["page-drafts", "/drafts", "Drafts and listings"],
    ["page-jobs", "/jobs", "Jobs"],
    ["page-accounts", "/accounts", "Platform accounts"],
    ["page-proxies", "/proxies", "Proxies"],
    ["page-profiles", "/profiles", "Browser profiles"],
    ["page-billing", "/billing", "Billing"],
    ["page-settings", "/settings", "Settings"],
  ] as const) {
    await page.goto(`${baseURL}${path}`);
    await expect(page.getByRole("heading", { name: heading, exact: true })).toBeVisible();
    await expect(page.getByText("Loading…")).toHaveCount(0);
    await screenshots(page, name);
  }
  await page.goto(`${baseURL}/drafts`);
  await page.getByTestId("draft-card").first().click();
  await expect(page.getByRole("heading", { name: "Edit draft" })).toBeVisible();
  await screenshots(page, "page-draft-editor");
});
