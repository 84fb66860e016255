import type { Browser, Page } from "@playwright/test";
import { expect, screenshots, test } from "./fixtures";

const PASSWORD = "a long password";

async function logIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto("/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page).not.toHaveURL(/\/login/);
}

async function newPage(browser: Browser, baseURL: string | undefined): Promise<Page> {
  const context = await browser.newContext({ baseURL });
  return context.newPage();
}

test("a superuser disables a user from the console: the user's open session ends and they cannot sign in until enabled", async ({ page, browser, baseURL }) => {
  const rootEmail = process.env.E2E_SUPERUSER_EMAIL;
  const rootPassword = process.env.E2E_SUPERUSER_PASSWORD;
  if (!rootEmail || !rootPassword) throw new Error("E2E_SUPERUSER_EMAIL is not set: global setup did not make the superuser");
  const email = `e2e-seller-${Date.now()}@example.com`;

  // A seller signs up and works in the app; they see no Admin section, and /admin is not found for them.
  const seller = await newPage(browser, baseURL);
  await seller.goto("/register");
  await seller.getByLabel("Full name").fill("Sam Seller");
  await seller.getByLabel("Email").fill(email);
  await seller.getByLabel("Password").fill(PASSWORD);
  await seller.getByRole("button", { name: "Sign up" }).click();
  await expect(seller.getByRole("heading", { name: "Hello, Sam Seller" })).toBeVisible();
  const sellerNav = seller.getByRole("navigation", { name: "Main" }).first();
  await expect(sellerNav.getByRole("link", { name: "Audit log" })).toBeVisible();
  await expect(sellerNav.getByRole("link", { name: "Admin" })).toHaveCount(0);
  await seller.goto("/admin/users");
  await expect(seller.getByText("Page not found")).toBeVisible();

  // The superuser finds them in the console.
  await logIn(page, rootEmail, rootPassword);
  const nav = page.getByRole("navigation", { name: "Main" }).first();
  await nav.getByRole("link", { name: "Admin" }).click();
  await expect(page.getByRole("heading", { name: "Users" })).toBeVisible();
  await page.getByLabel("Search by email or name").fill(email);
  const row = page.getByTestId("user-row").filter({ hasText: email });
  await expect(row).toHaveCount(1);
  await expect(page.getByTestId("user-row")).toHaveCount(1);
  await expect(row.getByText("active")).toBeVisible();
  await screenshots(page, "admin-users");

  // Disabling asks first; dismissing changes nothing.
  page.once("dialog", (dialog) => void dialog.dismiss());
  await row.getByRole("button", { name: "Disable" }).click();
  await expect(row.getByText("active")).toBeVisible();
  page.once("dialog", (dialog) => {
    expect(dialog.message()).toContain(`Disable ${email}?`);
    void dialog.accept();
  });
  await row.getByRole("button", { name: "Disable" }).click();
  await expect(page.getByText(`${email} is disabled`)).toBeVisible();
  await expect(row.getByText("disabled")).toBeVisible();
  await expect(row.getByRole("button", { name: "Enable" })).toBeVisible();

  // The seller's open session ends at once: the next page load sends them to log in, and logging in is refused.
  await seller.reload();
  await expect(seller).toHaveURL(/\/login/);
  await seller.getByLabel("Email").fill(email);
  await seller.getByLabel("Password").fill(PASSWORD);
  await seller.getByRole("button", { name: "Log in" }).click();
  await expect(seller.getByRole("alert")).toBeVisible();
  await expect(seller).toHaveURL(/\/login/);

  // The user's page says so and lists their workspace; enabling lets them back in.
  await row.getByRole("link", { name: email }).click();
  await expect(page.getByRole("heading", { name: email })).toBeVisible();
  await expect(page.getByText(/Disabled: every session ended/)).toBeVisible();
  await expect(page.getByTestId("membership-row")).toHaveCount(1);
  await screenshots(page, "admin-user-disabled");
  page.once("dialog", (dialog) => void dialog.accept());
  await page.getByRole("button", { name: "Enable" }).click();
  await expect(page.getByText(`${email} can sign in again`)).toBeVisible();
  await logIn(seller, email, PASSWORD);
  await expect(seller.getByRole("heading", { name: "Hello, Sam Seller" })).toBeVisible();

  // The seller's audit log has the failed sign-in and the sign-in, in words, newest first.
  await seller.getByRole("navigation", { name: "Main" }).first().getByRole("link", { name: "Audit log" }).click();
  await expect(seller.getByRole("heading", { name: "Audit log" })).toBeVisible();
  const rows = seller.getByTestId("audit-row");
  await expect(rows.first()).toContainText("Signed in");
  await expect(rows.filter({ hasText: "Failed to sign in" })).not.toHaveCount(0);
  await seller.getByLabel("Action").selectOption({ label: "Exports" });
  await expect(seller.getByText("Nothing matches these filters")).toBeVisible();
  await screenshots(seller, "audit-empty-filter");
  await seller.context().close();
});

test("a superuser overrides a workspace's limit until a date, with a reason, and removes it; the console's other pages answer", async ({ page }) => {
  const rootEmail = process.env.E2E_SUPERUSER_EMAIL!;
  const rootPassword = process.env.E2E_SUPERUSER_PASSWORD!;
  await logIn(page, rootEmail, rootPassword);
  await page.goto("/admin/workspaces");
  await expect(page.getByRole("heading", { name: "Workspaces" })).toBeVisible();
  await page.getByTestId("workspace-row").first().getByRole("link").click();
  await expect(page.getByRole("heading", { name: "Plan and usage" })).toBeVisible();
  const limit = page.getByTestId("quota-platform_accounts-used");
  const before = (await limit.textContent())!;

  // Nothing is sent without a reason; then the override applies at once.
  await page.getByLabel("Limit", { exact: true }).selectOption("platform_accounts");
  await page.getByLabel("New limit").fill("77");
  const tomorrow = new Date(Date.now() + 86_400_000);
  const local = new Date(tomorrow.getTime() - tomorrow.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
  await page.getByLabel("Ends at").fill(local);
  await page.getByRole("button", { name: "Set override" }).click();
  await expect(page.getByText(/Say why/)).toBeVisible();
  await page.getByLabel("Reason").fill("Partner trial for the launch");
  await page.getByRole("button", { name: "Set override" }).click();
  await expect(page.getByText("Override set")).toBeVisible();
  const override = page.getByTestId("override-row");
  await expect(override).toHaveCount(1);
  await expect(override).toContainText("in force");
  await expect(override).toContainText("Partner trial for the launch");
  await expect(limit).toHaveText(/ \/ 77$/);
  await screenshots(page, "admin-workspace-override");

  page.once("dialog", (dialog) => void dialog.accept());
  await override.getByRole("button", { name: "Remove" }).click();
  await expect(page.getByText("Override removed")).toBeVisible();
  await expect(override).toHaveCount(0);
  await expect(limit).toHaveText(before);

  // Jobs, attention and system health load with the real API (a worker runs in this setup).
  await page.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: "Jobs" }).click();
  await expect(page.getByRole("heading", { name: "Jobs across workspaces" })).toBeVisible();
  await expect(page.getByRole("heading", { name: /Failure reasons/ })).toBeVisible();
  await page.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: "Attention" }).click();
  // Other tests may leave an account waiting: either rows or the explanation, never an error.
  await expect(page.getByTestId("attention-row").or(page.getByText("No account needs attention")).first()).toBeVisible();
  await expect(page.getByText("Something went wrong")).toHaveCount(0);
  await page.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: "System health" }).click();
  await expect(page.getByTestId("worker-row").filter({ hasText: "alive" })).not.toHaveCount(0);
  await expect(page.getByTestId("queue-depth")).toBeVisible();
  await screenshots(page, "admin-system");
});
