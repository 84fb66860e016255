/**
 * Campaigns against the real API and worker (offline AI provider): a campaign created from
 * its brief, 3 posts written live by a batch job, seen in the review grid, one caption edited
 * and still there after a reload. A second campaign goes through accounts, schedule (a field
 * the server refuses), start, the calendar, import, statistics, export and cancel; it starts
 * tomorrow, so nothing is published (posting on the sandbox is the backend tests' part).
 * Every page at both widths without sideways scrolling.
 */
import { expect, screenshots, test } from "./fixtures";

test("a campaign: brief, 3 posts written live, review grid, a caption edited", async ({ page }) => {
  const stamp = Date.now().toString(36);
  await page.goto("/register");
  await page.getByLabel("Full name").fill("Cam Paign");
  await page.getByLabel("Email").fill(`e2e-campaign-${stamp}@example.com`);
  await page.getByLabel("Password").fill("a long password");
  await page.getByRole("button", { name: "Sign up" }).click();
  await expect(page.getByRole("heading", { name: "Hello, Cam Paign" })).toBeVisible();

  // --- Step 1: the brief.
  await page.getByRole("link", { name: "Campaigns", exact: true }).first().click();
  await expect(page.getByText("No campaigns yet")).toBeVisible();
  await page.getByRole("link", { name: "New campaign" }).click();
  const brief = page.getByRole("form", { name: "Campaign brief" });
  await brief.getByLabel("Name").fill("Winter drop");
  await brief.getByLabel("Brand").fill("Acme");
  await brief.getByLabel("What the campaign is about").fill("Warm denim jackets, back in stock for the winter.");
  await brief.getByLabel("Target audience").fill("students who thrift");
  await brief.getByLabel("Tone").fill("playful");
  await brief.getByRole("button", { name: "Create and continue" }).click();

  // --- Step 2: three posts from the campaign's brief, appearing as they are written.
  const generate = page.getByRole("form", { name: "Generate posts" });
  await expect(generate).toBeVisible();
  await generate.getByLabel("A number of posts from the campaign brief").check();
  await generate.getByLabel("How many posts").fill("3");
  await generate.getByRole("button", { name: "Generate" }).click();
  await expect(page.getByTestId("batch-progress")).toBeVisible();
  await expect(page.getByTestId("generated-post")).toHaveCount(3, { timeout: 45_000 });
  await expect(page.getByTestId("generated-post").getByText("ready")).toHaveCount(3, { timeout: 45_000 });
  await expect(page.getByTestId("batch-progress").getByRole("progressbar", { name: "Posts written" })).toHaveAttribute("aria-valuenow", "100");
  await screenshots(page, "campaign-generate");

  // --- Step 3: the review grid; one caption edited inline, still there after a reload.
  await page.getByRole("button", { name: "Review the posts" }).click();
  const cards = page.getByTestId("review-card");
  await expect(cards).toHaveCount(3);
  const caption = cards.first().getByLabel("Caption of post 1");
  await expect(caption).not.toHaveValue("");
  await caption.fill("Warm jackets are back — grab yours before they're gone!");
  await cards.first().getByRole("button", { name: "Save caption" }).click();
  await expect(page.getByText("Caption saved")).toBeVisible();
  await expect(cards.first().getByRole("button", { name: "Save caption" })).toHaveCount(0);
  await expect(page.getByTestId("review-summary")).toHaveText("3 posts ready to post");
  await screenshots(page, "campaign-review");
  await page.reload();
  await expect(page.getByTestId("review-card").first().getByLabel("Caption of post 1")).toHaveValue("Warm jackets are back — grab yours before they're gone!");

  // --- The list shows it as a draft with its posts written.
  await page.getByRole("link", { name: "Campaigns", exact: true }).first().click();
  const row = page.getByTestId("campaign-row").filter({ hasText: "Winter drop" });
  await expect(row).toContainText("draft");
  await expect(row.getByTestId("campaign-progress")).toHaveText("3 of 3 posts written");
  await screenshots(page, "campaigns");
});

/** "YYYY-MM-DDTHH:MM" (a datetime-local value) for a day from now at this hour, in the browser's time zone. */
function localAt(daysFromNow: number, hour: number): string {
  const d = new Date();
  d.setDate(d.getDate() + daysFromNow);
  d.setHours(hour, 0, 0, 0);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:00`;
}

test("a campaign over two accounts: plan preview, a refused time zone on its field, start, calendar move, import report, statistics, export, cancel", async ({ page }) => {
  const stamp = Date.now().toString(36);
  page.on("dialog", (dialog) => void dialog.accept());
  await page.goto("/register");
  await page.getByLabel("Full name").fill("Pat Planner");
  await page.getByLabel("Email").fill(`e2e-plan-${stamp}@example.com`);
  await page.getByLabel("Password").fill("a long password");
  await page.getByRole("button", { name: "Sign up" }).click();
  await expect(page.getByRole("heading", { name: "Hello, Pat Planner" })).toBeVisible();

  // Two accounts to share the posts (nothing is published: the campaign starts tomorrow and is cancelled).
  await page.getByRole("link", { name: "Accounts" }).first().click();
  for (const label of ["Ann's shop", "Bob's shop"]) {
    await page.getByLabel("Login").fill(`${label.slice(0, 3).toLowerCase()}-${stamp}`);
    await page.getByLabel("Label").fill(label);
    await page.getByRole("button", { name: "Add account" }).click();
    await expect(page.getByTestId("account-row").filter({ hasText: label })).toBeVisible();
  }

  await page.getByRole("link", { name: "Campaigns", exact: true }).first().click();
  await page.getByRole("link", { name: "New campaign" }).click();
  await page.getByRole("form", { name: "Campaign brief" }).getByLabel("Name").fill("Holiday push");
  await page.getByRole("button", { name: "Create and continue" }).click();

  // Two post briefs (the third row left blank is not sent).
  const generate = page.getByRole("form", { name: "Generate posts" });
  await generate.getByLabel("Post 1: topic").fill("Jackets");
  await generate.getByLabel("Post 2: topic").fill("Scarves");
  // With an image each: the sandbox takes no post without a photo or video (start would refuse them).
  await generate.getByLabel("Post 1: with an image").check();
  await generate.getByLabel("Post 2: with an image").check();
  await generate.getByRole("button", { name: "Generate" }).click();
  await expect(page.getByTestId("generated-post").getByText("ready")).toHaveCount(2, { timeout: 45_000 });
  await page.getByRole("button", { name: "Review the posts" }).click();
  await page.getByRole("button", { name: "Choose accounts" }).click();

  // Accounts: round robin over both; the preview shows one post each.
  const targeting = page.getByRole("form", { name: "Accounts and strategy" });
  await targeting.getByLabel("Round robin").check();
  await targeting.getByRole("button", { name: "Save and continue" }).click();
  await expect(page.getByRole("form", { name: "Schedule" })).toBeVisible();
  await expect(page.getByTestId("plan-account")).toHaveCount(2);
  await expect(page.getByTestId("plan-preview")).toContainText("2 accounts matched · 2 posts");

  // Schedule: the server names a time zone it does not know on its field; then tomorrow, 09:00–18:00 UTC.
  const schedule = page.getByRole("form", { name: "Schedule" });
  await schedule.getByLabel("Starts at").fill(localAt(1, 10));
  await schedule.getByLabel("Active from").fill("09:00");
  await schedule.getByLabel("Active until").fill("18:00");
  await schedule.getByLabel("Time zone").fill("Mars/Olympus_Mons");
  await schedule.getByRole("button", { name: "Save and preview" }).click();
  await expect(schedule.getByLabel("Time zone")).toHaveAttribute("aria-invalid", "true");
  await screenshots(page, "campaign-schedule-refused");
  await schedule.getByLabel("Time zone").fill("UTC");
  await schedule.getByRole("button", { name: "Start campaign" }).click();

  // The campaign page: scheduled, both posts with an account and a time.
  await expect(page.getByRole("heading", { name: "Holiday push" })).toBeVisible();
  await expect(page.getByText("scheduled", { exact: true }).first()).toBeVisible();
  await expect(page.getByTestId("post-row")).toHaveCount(2);
  await expect(page.getByTestId("post-row").filter({ hasText: "Ann's shop" })).toHaveCount(1);
  await expect(page.getByRole("button", { name: "Pause" })).toBeEnabled();
  await expect(page.getByRole("button", { name: "Resume" })).toBeDisabled();
  await screenshots(page, "campaign-page");

  // The calendar's week: both posts; one moved to the next day from its details.
  await page.getByRole("link", { name: "Calendar" }).last().click();
  await page.getByRole("button", { name: "Week" }).click();
  if ((await page.getByTestId("calendar-post").count()) < 2) await page.getByRole("button", { name: "Later" }).click();
  await expect(page.getByTestId("calendar-post")).toHaveCount(2);
  await screenshots(page, "calendar-week");
  await page.getByTestId("calendar-post").first().click();
  const details = page.getByTestId("calendar-details");
  await details.getByLabel("Move to").fill(localAt(2, 11));
  await details.getByRole("button", { name: "Move" }).click();
  await expect(page.getByText(/^Post moved to /)).toBeVisible();

  // Import: 3 rows, one without a caption: 2 created, the bad row named with its reason.
  await page.goto(page.url().replace(/\/calendar.*$/, "/campaigns"));
  await page.getByRole("link", { name: "Holiday push" }).click();
  await page.getByRole("tab", { name: "Import" }).click();
  const csv = "caption,media,scheduled_at,account,platform\nFirst imported,,,,\n,,,,\nThird imported,,,,\n";
  await page.getByLabel("CSV or JSON file of posts").setInputFiles({ name: "posts.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
  const report = page.getByTestId("campaign-import-report");
  await expect(report).toContainText("2 created");
  await expect(report.getByTestId("import-error")).toHaveCount(1);
  await expect(report.getByTestId("import-error")).toContainText("caption");
  await screenshots(page, "campaign-import");

  // Statistics and export.
  await page.getByRole("tab", { name: "Statistics" }).click();
  await expect(page.getByTestId("stat-posted")).toHaveText("0 of 4");
  await screenshots(page, "campaign-statistics");
  const download = page.waitForEvent("download");
  await page.getByRole("button", { name: "Export CSV" }).click();
  expect((await download).suggestedFilename()).toMatch(/\.csv$/);

  // Cancel (confirmed): nothing was posted, the scheduled posts are cancelled.
  await page.getByRole("button", { name: "Cancel" }).click();
  await expect(page.getByText("cancelled", { exact: true }).first()).toBeVisible();
  await expect(page.getByRole("button", { name: "Pause" })).toBeDisabled();
});
