/**
 * Campaigns against the real API and worker (offline AI provider): a campaign created from
 * its brief, 3 posts written live by a batch job, seen in the review grid, one caption edited
 * and still there after a reload; the list shows the campaign. Both widths without sideways
 * scrolling.
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
