import { dropPhotos, expect, screenshots, test } from "./fixtures";

test("sign up, photos to drafts live, edit a draft, quota moves", async ({ page }) => {
  const email = `e2e-${Date.now()}@example.com`;

  await page.goto("/");
  await expect(page).toHaveURL(/\/login$/);
  await screenshots(page, "login");

  await page.getByRole("link", { name: "Sign up" }).click();
  await page.getByLabel("Full name").fill("Erin Tester");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("a long password");
  await screenshots(page, "register");
  await page.getByRole("button", { name: "Sign up" }).click();

  await expect(page.getByRole("heading", { name: "Hello, Erin Tester" })).toBeVisible();
  const used = page.getByTestId("quota-ai_generations-used");
  await expect(used).toHaveText(/^0 \/ \d+$/);
  const limit = Number((await used.textContent())!.split("/")[1]);
  await screenshots(page, "dashboard-empty");

  await page.getByRole("link", { name: "New drafts", exact: true }).first().click();
  await expect(page.getByRole("heading", { name: "New drafts from photos" })).toBeVisible();
  await dropPhotos(page, '[data-testid="dropzone"]', 3);
  await expect(page.getByTestId("picked-file")).toHaveCount(3);
  await expect(page.locator('[data-testid="picked-file"][data-state="ready"]')).toHaveCount(3);
  await screenshots(page, "upload-picked");

  await page.getByRole("button", { name: "Upload and make 3 drafts" }).click();
  const progress = page.getByTestId("job-progress");
  await expect(progress).toBeVisible();
  await expect(progress.getByRole("progressbar", { name: "Job progress" })).toHaveAttribute("aria-valuenow", "100", { timeout: 60_000 });
  await expect(page.getByTestId("job-progress-text")).toHaveText("3 done of 3");
  await expect(page.getByTestId("job-items").getByRole("link")).toHaveCount(3);
  await expect(progress.getByText("succeeded")).toBeVisible();
  await screenshots(page, "upload-done");

  await page.getByRole("link", { name: "Drafts", exact: true }).first().click();
  await expect(page.getByTestId("draft-card")).toHaveCount(3);
  await expect(page.getByTestId("drafts-total")).toHaveText("3 results");
  await screenshots(page, "drafts");

  // Edit one: a validation error first, then a good save.
  await page.getByTestId("draft-card").first().click();
  await expect(page.getByRole("heading", { name: "Edit draft" })).toBeVisible();
  const title = page.getByLabel("Title");
  await title.fill("");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByText("A title is required")).toBeVisible();
  await title.fill("Vintage denim jacket (edited)");
  await page.getByLabel("Price").fill("42.50");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByText("Draft saved")).toBeVisible();
  await screenshots(page, "draft-editor");

  await page.getByRole("link", { name: "Drafts", exact: true }).first().click();
  await page.getByLabel("Search").fill("edited");
  await expect(page.getByTestId("draft-card")).toHaveCount(1);
  await expect(page.getByTestId("draft-card")).toContainText("Vintage denim jacket (edited)");

  // The quota bar moved by the three generations.
  await page.getByRole("link", { name: "Dashboard" }).first().click();
  await expect(page.getByTestId("quota-ai_generations-used")).toHaveText(`3 / ${limit}`);
  await screenshots(page, "dashboard");

  await page.getByRole("link", { name: "Billing" }).first().click();
  await expect(page.getByTestId("plan-title")).toHaveText("Free");
  await expect(page.getByTestId("quota-ai_generations-used")).toHaveText(`3 / ${limit}`);
  await screenshots(page, "billing");

  await page.getByRole("link", { name: "Jobs" }).first().click();
  await expect(page.getByTestId("jobs-list").getByText("succeeded")).toBeVisible();
  await screenshots(page, "jobs");

  // Accounts: a CSV import with a per-row report, and the unverified-driver badge.
  await page.getByRole("link", { name: "Accounts" }).first().click();
  await expect(page.getByRole("heading", { name: "Platform accounts", exact: true })).toBeVisible();
  await expect(page.getByText("No accounts yet")).toBeVisible();
  await page
    .getByLabel("Paste CSV (with a header row) or a JSON array")
    .fill("platform,login,password,label\nsandbox,alice,sandbox-pass-1,Sandbox shop\nvinted,jane@example.com,secret,Vinted shop\nnosuch,bob,x,Bad row");
  await page.getByRole("button", { name: "Import" }).click();
  const report = page.getByTestId("import-report");
  await expect(report).toContainText("2 created");
  await expect(report).toContainText("1 failed");
  await expect(report.getByRole("row")).toHaveCount(4); // header + 3 rows
  await expect(page.getByTestId("account-row")).toHaveCount(2);
  await expect(page.getByTestId("account-row").filter({ hasText: "Vinted shop" }).getByText("unverified driver")).toBeVisible();
  await expect(page.getByTestId("account-row").filter({ hasText: "Sandbox shop" }).getByText("unverified driver")).toHaveCount(0);

  // Proxies: add one nothing listens on, check them all; the result arrives over the event stream.
  await page.getByRole("link", { name: "Proxies" }).first().click();
  await expect(page.getByRole("heading", { name: "Proxies", exact: true })).toBeVisible();
  await expect(page.getByText("No proxies yet")).toBeVisible();
  await page.getByLabel("Host").fill("127.0.0.1");
  await page.getByLabel("Port").fill("9");
  await page.getByLabel("Label").fill("Dead proxy");
  await page.getByRole("button", { name: "Add proxy" }).click();
  const proxyRow = page.getByTestId("proxy-row").filter({ hasText: "Dead proxy" });
  await expect(proxyRow.getByTestId("proxy-health")).toContainText("last checked never");
  await page.getByRole("button", { name: "Check all" }).click();
  await expect(page.getByText(/^Checking the proxy/)).toBeVisible();
  await expect(proxyRow.getByText("unhealthy")).toBeVisible();
  await expect(proxyRow.getByTestId("proxy-health")).not.toContainText("never");
  await expect(proxyRow.getByText(/^Last error: /)).toBeVisible();

  // Browser profiles: a custom one, then edited.
  await page.getByRole("link", { name: "Browser profiles" }).first().click();
  await expect(page.getByRole("heading", { name: "Browser profiles", exact: true })).toBeVisible();
  const custom = page.getByTestId("profile-create");
  await custom.getByLabel("Name").fill("E2E phone");
  await custom.getByLabel("User agent").fill("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36");
  await custom.getByLabel("Viewport width").fill("390");
  await custom.getByLabel("Viewport height").fill("100");
  await custom.getByLabel("Locale").fill("fr-FR");
  await custom.getByLabel("Time zone").fill("Europe/Paris");
  await custom.getByLabel(/^Mobile/).check();
  await custom.getByRole("button", { name: "Create profile" }).click();
  await expect(custom.getByText("A whole number from 240 to 4320")).toBeVisible();
  await custom.getByLabel("Viewport height").fill("844");
  await custom.getByRole("button", { name: "Create profile" }).click();
  const profileRow = page.getByTestId("profile-row").filter({ hasText: "E2E phone" });
  await expect(profileRow).toContainText("390×844 · fr-FR · Europe/Paris");
  await profileRow.getByRole("button", { name: "Edit E2E phone" }).click();
  await page.getByTestId("profile-editor").getByLabel("Name").fill("E2E Pixel");
  await page.getByTestId("profile-editor").getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByText("Profile saved")).toBeVisible();
  await expect(page.getByTestId("profile-row").filter({ hasText: "E2E Pixel" })).toBeVisible();

  // Accounts: edit one (proxy, profile, cap), with a cookie error from the API first.
  await page.getByRole("link", { name: "Accounts" }).first().click();
  const sandboxRow = page.getByTestId("account-row").filter({ hasText: "Sandbox shop" });
  await sandboxRow.getByRole("button", { name: "Edit" }).click();
  const editor = sandboxRow.getByTestId("account-editor");
  await editor.getByLabel("Cookies (JSON)").fill('[{"name": "sid", "value": "x", "domain": ".example.com", "sameSite": "sometimes"}]');
  await editor.getByRole("button", { name: "Save changes" }).click();
  await expect(editor.getByText("cookies[0].sameSite: must be Strict, Lax or None")).toBeVisible();
  await screenshots(page, "account-editor");
  await editor.getByLabel("Cookies (JSON)").fill("");
  await editor.getByLabel("Proxy").selectOption({ label: "Dead proxy (datacenter, unhealthy)" });
  await editor.getByLabel("Browser profile").selectOption({ label: "E2E Pixel" });
  await editor.getByLabel("Daily action cap").fill("25");
  await editor.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByText("Account saved")).toBeVisible();
  await expect(editor).toHaveCount(0);
  await expect(sandboxRow).toContainText("proxy: Dead proxy · profile: E2E Pixel");
  await expect(sandboxRow.getByTestId("account-usage")).toContainText("0/25 actions today");

  for (const [name, heading] of [
    ["accounts", "Platform accounts"],
    ["proxies", "Proxies"],
    ["profiles", "Browser profiles"],
    ["settings", "Settings"],
  ] as const) {
    await page.getByRole("link", { name: heading === "Platform accounts" ? "Accounts" : heading }).first().click();
    await expect(page.getByRole("heading", { name: heading, exact: true })).toBeVisible();
    await expect(page.getByText("Loading…")).toHaveCount(0);
    await screenshots(page, name);
  }

  // Dark mode toggle and log out.
  await page.getByRole("button", { name: /Switch to dark mode/ }).click();
  await expect(page.locator("html")).toHaveClass(/dark/);
  await page.getByRole("link", { name: "Dashboard" }).first().click();
  await screenshots(page, "dashboard-dark");
  await page.getByRole("button", { name: "Log out" }).click();
  await expect(page).toHaveURL(/\/login/);
});
