/**
 * Automation against the real API: a message template with its live preview and an
 * unknown variable named inline, a rule whose bad time zone the server names on the
 * field, then created, paused and resumed; the run history, templates and inbox pages
 * at both widths without sideways scrolling.
 */
import { expect, screenshots, test } from "./fixtures";

test("templates with live preview, a rule created, refused on a field, paused and resumed", async ({ page, baseURL }) => {
  const stamp = Date.now().toString(36);
  await page.goto("/register");
  await page.getByLabel("Full name").fill("Rita Rules");
  await page.getByLabel("Email").fill(`e2e-rules-${stamp}@example.com`);
  await page.getByLabel("Password").fill("a long password");
  await page.getByRole("button", { name: "Sign up" }).click();
  await expect(page.getByRole("heading", { name: "Hello, Rita Rules" })).toBeVisible();

  // An account for the rules to act as.
  await page.getByRole("link", { name: "Accounts" }).first().click();
  await page.getByLabel("Login").fill(`rita-${stamp}`);
  await page.getByLabel("Label").fill("Rita's shop");
  await page.getByRole("button", { name: "Add account" }).click();
  await expect(page.getByTestId("account-row").filter({ hasText: "Rita's shop" })).toBeVisible();

  // --- A template: chips insert variables, the server renders the preview, an unknown variable is named.
  await page.getByRole("link", { name: "Message templates" }).first().click();
  await expect(page.getByRole("heading", { name: "Message templates", exact: true })).toBeVisible();
  await expect(page.getByText("No templates yet")).toBeVisible();
  await page.getByRole("button", { name: "New template" }).click();
  const editor = page.getByRole("form", { name: "New template" });
  await editor.getByLabel("Name").fill("Welcome");
  const message = editor.getByLabel("Message");
  await message.fill("Hi ");
  await editor.getByRole("button", { name: "{username}" }).click();
  await message.press("End");
  await message.pressSequentially(", thanks for following {nme}");
  await expect(editor.getByText("Unknown variable: {nme}")).toBeVisible();
  await message.fill("Hi {username}, thanks for following {my_name}!");
  await expect(editor.getByTestId("template-preview")).toHaveText("Hi jane_doe, thanks for following my_shop!");
  await screenshots(page, "templates-editor");
  await editor.getByRole("button", { name: "Create template" }).click();
  await expect(page.getByTestId("template-row").filter({ hasText: "Welcome" })).toBeVisible();
  await expect(page.getByText("No messages yet.")).toBeVisible();

  // --- A rule: the server refuses a time zone it does not know and names the field; then it is created.
  await page.getByRole("link", { name: "Automation", exact: true }).first().click();
  await expect(page.getByRole("heading", { name: "Automation", exact: true })).toBeVisible();
  await page.getByRole("button", { name: "New rule" }).click();
  const form = page.getByRole("form", { name: "New rule" });
  await form.getByLabel("What it does").selectOption("message_new_followers");
  await form.getByLabel("Name").fill("Greet new followers");
  await form.getByLabel("Message template").selectOption({ label: "Welcome" });
  await form.getByLabel("Shortest delay (seconds)").fill("0");
  await form.getByLabel("Longest delay (seconds)").fill("30");
  await form.getByLabel("Minutes between runs").fill("15");
  await form.getByLabel("Time zone").fill("Mars/Olympus_Mons");
  await form.getByRole("button", { name: "Create rule" }).click();
  await expect(form.getByLabel("Time zone")).toHaveAttribute("aria-invalid", "true");
  await expect(form.getByLabel("Time zone")).toHaveAccessibleDescription(/is not an IANA time zone/);
  await screenshots(page, "automation-rule-refused");
  await form.getByLabel("Time zone").fill("Europe/Paris");
  await form.getByRole("button", { name: "Create rule" }).click();
  const row = page.getByTestId("rule-row").filter({ hasText: "Greet new followers" });
  await expect(row).toBeVisible();
  await expect(row).toContainText("Message new followers");
  await expect(row).toContainText("every 15 min · all day (Europe/Paris)");
  await expect(row.getByTestId("rule-next")).toContainText("Next run");
  await expect(page.getByTestId("rule-group")).toContainText("Rita's shop");

  await row.getByRole("button", { name: "Pause" }).click();
  await expect(row.getByText("paused", { exact: true })).toBeVisible();
  await expect(row.getByTestId("rule-next")).toHaveText("Not scheduled while paused");
  await row.getByRole("button", { name: "Resume" }).click();
  await expect(row.getByText("active", { exact: true })).toBeVisible();
  await screenshots(page, "automation");

  // --- The other pages, at both widths.
  for (const [name, path, heading] of [
    ["page-automation-runs", "/automation/runs", "Run history"],
    ["page-templates", "/automation/templates", "Message templates"],
    ["page-inbox", "/inbox", "Inbox"],
  ] as const) {
    await page.goto(`${baseURL}${path}`);
    await expect(page.getByRole("heading", { name: heading, exact: true })).toBeVisible();
    await expect(page.getByText("Loading…")).toHaveCount(0);
    await screenshots(page, name);
  }
  await expect(page.getByText("No conversations yet")).toBeVisible();
});

const SANDBOX_PASSWORD = "sandbox-pass-1";

/** The sandbox's control API (what its own tests use). */
async function control(path: string, body?: unknown): Promise<unknown> {
  const url = process.env.E2E_SANDBOX_URL;
  if (!url) throw new Error("E2E_SANDBOX_URL is not set: global setup did not run");
  const response = await fetch(`${url}/__control/${path}`, body === undefined ? {} : { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
  expect(response.status, await response.clone().text()).toBeLessThan(300);
  return response.json();
}

test("the inbox synced from the sandbox, a reply sent through it, and an inbox-sync rule run now with its results", async ({ page }) => {
  const stamp = Date.now().toString(36);
  const seller = `sam${stamp}`;
  const buyer = `bea${stamp}`;
  for (const username of [seller, buyer]) await control("users", { username, password: SANDBOX_PASSWORD });
  await control("messages", { sender: buyer, recipient: seller, body: "Hello! Is the jacket still available?" });
  await control("messages", { sender: buyer, recipient: seller, body: "Would you take 20?" });

  await page.goto("/register");
  await page.getByLabel("Full name").fill("Sam Seller");
  await page.getByLabel("Email").fill(`e2e-inbox-${stamp}@example.com`);
  await page.getByLabel("Password").fill("a long password");
  await page.getByRole("button", { name: "Sign up" }).click();
  await expect(page.getByRole("heading", { name: "Hello, Sam Seller" })).toBeVisible();
  await page.getByRole("link", { name: "Accounts" }).first().click();
  await page.getByLabel("Login").fill(seller);
  await page.getByLabel("Password").fill(SANDBOX_PASSWORD);
  await page.getByLabel("Label").fill("Sam's shop");
  await page.getByRole("button", { name: "Add account" }).click();
  await expect(page.getByTestId("account-row").filter({ hasText: "Sam's shop" })).toBeVisible();

  // --- Sync now: the conversation arrives with its unread count (the job's end refetches the list).
  await page.getByRole("link", { name: "Inbox" }).first().click();
  await expect(page.getByText("No conversations yet")).toBeVisible();
  await page.getByRole("button", { name: "Sync now" }).click();
  const conversation = page.getByTestId("conversation").filter({ hasText: buyer });
  await expect(conversation).toBeVisible({ timeout: 90_000 });
  await expect(conversation.getByLabel("2 unread")).toBeVisible();
  await expect(page.getByRole("heading", { name: "Inbox (2 unread)" })).toBeVisible();

  // --- The thread, read in Sellpilot; a reply goes out through the platform as a job.
  await conversation.getByRole("button").click();
  const thread = page.getByTestId("thread");
  await expect(thread.getByTestId("message")).toHaveCount(2);
  await expect(thread.getByTestId("message").last()).toContainText("Would you take 20?");
  await expect(conversation.getByLabel(/unread/)).toHaveCount(0);
  await page.getByLabel("Reply", { exact: true }).fill("Yes, it is! 22 and it's yours.");
  await page.getByRole("button", { name: "Send" }).click();
  await expect(page.getByTestId("reply-job")).toBeVisible();
  await expect(thread.getByTestId("message")).toHaveCount(3, { timeout: 90_000 });
  await expect(thread.getByTestId("message").last()).toContainText("Yes, it is! 22 and it's yours.");
  const theirs = (await control(`inbox?username=${buyer}`)) as { last_message?: string }[];
  expect(JSON.stringify(theirs)).toContain("22 and it");
  await screenshots(page, "inbox-thread");

  // --- An inbox-sync rule, run now: the run history shows the run and what it did.
  await page.getByRole("link", { name: "Automation", exact: true }).first().click();
  await page.getByRole("button", { name: "New rule" }).click();
  const form = page.getByRole("form", { name: "New rule" });
  await form.getByLabel("What it does").selectOption("inbox_sync");
  await form.getByLabel("Name").fill("Read the inbox");
  await form.getByRole("button", { name: "Create rule" }).click();
  const row = page.getByTestId("rule-row").filter({ hasText: "Read the inbox" });
  await row.getByRole("button", { name: "Run now" }).click();
  await expect(row.getByRole("link", { name: "follow the run" })).toBeVisible();
  await expect(row.getByTestId("rule-last")).toContainText("succeeded", { timeout: 90_000 });
  await row.getByRole("link", { name: "history" }).click();
  await expect(page.getByRole("heading", { name: "Run history", exact: true })).toBeVisible();
  const run = page.getByTestId("run-row").first();
  await expect(run).toContainText("Read the inbox");
  await expect(run).toContainText("succeeded");
  await run.getByRole("button", { name: "Show results" }).click();
  await expect(run.getByTestId("run-result").first()).toContainText("sync");
  await screenshots(page, "automation-run-history");
});
