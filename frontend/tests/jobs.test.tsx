import { describe, expect, it } from "vitest";
import { render, screen, within } from "@testing-library/react";
import { MemoryRouter } from "react-router";
import { JobBar, JobRow } from "../src/components/jobs";
import { JobItemsView, SAME_REASON } from "../src/components/JobItems";
import { JobProgressView, WRAPPED_TEXT } from "../src/components/JobProgress";
import { jobSummary, kindLabel } from "../src/lib/jobs";
import type { Job, JobItem } from "../src/api/endpoints";

const JOB: Job = {
  id: "j1",
  workspace_id: "w1",
  kind: "listings.analyze",
  status: "succeeded",
  total: 3,
  done: 2,
  failed: 1,
  progress: 1,
  attempts: 1,
  max_attempts: 3,
  error: null,
  result: { items: 3 },
  parent_id: null,
  idempotency_key: null,
  account_id: null,
  listing_id: null,
  created_at: "2026-11-30T10:00:00Z",
  started_at: "2026-11-30T10:00:01Z",
  finished_at: "2026-11-30T10:00:05Z",
};

describe("job status text", () => {
  it("says a job that finished with failures completed with them, with counts that add up", () => {
    const s = jobSummary({ status: "succeeded", total: 3, done: 2, failed: 1 });
    expect(s.label).toBe("completed with 1 failure");
    expect(s.tone).toBe("amber");
    expect(s.done + s.failed + s.skipped).toBe(s.total);
    expect(s.countsText).toBe("2 done · 1 failed of 3");
    expect(jobSummary({ status: "succeeded", total: 5, done: 2, failed: 3 }).label).toBe("completed with 3 failures");
    expect(jobSummary({ status: "succeeded", total: 2, done: 2, failed: 0 }).label).toBe("succeeded");
    expect(jobSummary({ status: "succeeded", total: 2, done: 0, failed: 2 }).label).toBe("all 2 failed");
  });

  it("counts what a cancelled or failed job never reached as skipped", () => {
    const s = jobSummary({ status: "cancelled", total: 5, done: 2, failed: 1 });
    expect([s.done, s.failed, s.skipped, s.remaining]).toEqual([2, 1, 2, 0]);
    expect(s.countsText).toBe("2 done · 1 failed · 2 skipped of 5");
    const running = jobSummary({ status: "running", total: 5, done: 1, failed: 0 });
    expect([running.skipped, running.remaining, running.finished]).toEqual([0, 4, false]);
    expect(jobSummary({ status: "paused", total: 1, done: 0, failed: 0 }).label).toBe("paused");
  });

  it("shows the failed part of the bar distinctly and the row's badge says so", () => {
    render(
      <MemoryRouter>
        <ul>
          <JobRow job={JOB} />
        </ul>
      </MemoryRouter>,
    );
    const row = screen.getByTestId("job-row");
    expect(within(row).getByText("completed with 1 failure")).toBeInTheDocument();
    expect(within(row).queryByText("succeeded")).not.toBeInTheDocument();
    expect(within(row).getByText(/2 done · 1 failed of 3/)).toBeInTheDocument();
    const bar = within(row).getByRole("progressbar");
    expect(bar).toHaveAttribute("aria-valuenow", "100");
    const done = bar.querySelector('[data-part="done"]') as HTMLElement;
    const failed = bar.querySelector('[data-part="failed"]') as HTMLElement;
    expect(parseFloat(done.style.width)).toBeCloseTo(66.67, 1);
    expect(parseFloat(failed.style.width)).toBeCloseTo(33.33, 1);
    expect(failed.className).toContain("bg-rose-500");
    expect(done.className).not.toContain("bg-rose-500");
  });

  it("a cancelled job's bar has a skipped part", () => {
    render(<JobBar job={{ status: "cancelled", total: 4, done: 1, failed: 0 }} label="bar" />);
    const skipped = screen.getByRole("progressbar").querySelector('[data-part="skipped"]') as HTMLElement;
    expect(parseFloat(skipped.style.width)).toBe(75);
  });
});

describe("job kind labels", () => {
  it("names known kinds for people and humanises unknown ones", () => {
    expect(kindLabel("accounts.test_login")).toBe("Test login");
    expect(kindLabel("listings.analyze")).toBe("Make drafts from photos");
    expect(kindLabel("listings.publish")).toBe("Publish listing");
    expect(kindLabel("proxies.health_check")).toBe("Check proxy");
    expect(kindLabel("campaigns.post_batch")).toBe("Post batch (campaigns)");
    expect(kindLabel("cleanup")).toBe("Cleanup");
  });

  it("links a publish job to its draft, account and the platform listing", () => {
    render(
      <MemoryRouter>
        <ul>
          <JobRow
            job={{ ...JOB, kind: "listings.publish", total: 1, done: 1, failed: 0, listing_id: "l1", account_id: "a1", result: { item_id: "7", url: "http://127.0.0.1:8100/items/7" } }}
          />
        </ul>
      </MemoryRouter>,
    );
    expect(screen.getByRole("link", { name: "Publish listing" })).toHaveAttribute("href", "/jobs/j1");
    expect(screen.getByRole("link", { name: "The draft" })).toHaveAttribute("href", "/drafts/l1");
    expect(screen.getByRole("link", { name: "The account" })).toHaveAttribute("href", "/accounts");
    expect(screen.getByRole("link", { name: "On the platform" })).toHaveAttribute("href", "http://127.0.0.1:8100/items/7");
  });
});

describe("job progress card", () => {
  it("shows a failed publish's error once, even when its item failed with the same words", () => {
    const error = "The sandbox refused the login: wrong password";
    render(
      <MemoryRouter>
        <JobProgressView
          title="Publishing"
          job={{ status: "failed", total: 1, done: 0, failed: 1 }}
          error={error}
          failures={[{ key: "publish", ok: false, error }]}
        />
      </MemoryRouter>,
    );
    expect(screen.getAllByText(error, { exact: false })).toHaveLength(1);
    expect(screen.getByRole("alert")).toHaveTextContent(error);
    expect(screen.queryByTestId("job-failures")).not.toBeInTheDocument();
  });

  it("wraps a long error inside its box", () => {
    const banner = `╔${"═".repeat(300)}╗\n║ Looks like Playwright was just installed ║`;
    render(
      <MemoryRouter>
        <JobProgressView title="Test login" job={{ status: "failed", total: 1, done: 0, failed: 0 }} error={banner} />
      </MemoryRouter>,
    );
    const text = screen.getByRole("alert").querySelector("p")!;
    for (const cls of WRAPPED_TEXT.split(" ")) expect(text.className).toContain(cls);
  });

  it("says a paused job waits for a person, with the reason", () => {
    render(
      <MemoryRouter>
        <JobProgressView title="Publishing" job={{ status: "paused", total: 1, done: 0, failed: 0 }} pausedReason="The platform asks for a captcha" />
      </MemoryRouter>,
    );
    expect(screen.getByTestId("job-status")).toHaveTextContent("paused");
    expect(screen.getByTestId("job-paused")).toHaveTextContent("The platform asks for a captcha");
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();
  });
});

describe("job items list", () => {
  const item = (over: Partial<JobItem>): JobItem => ({
    key: "item-0000",
    label: "item-0000",
    status: "done",
    error: null,
    result: null,
    created_at: "2026-11-30T10:00:02Z",
    ...over,
  });

  it("shows a failed item first with its reason, wrapped, then done items linking to their drafts", () => {
    const reason = `the platform refused the photo: ${"x".repeat(400)}`;
    render(
      <MemoryRouter>
        <JobItemsView
          total={3}
          items={[
            item({ key: "item-0001", label: "IMG_0042.jpg", status: "failed", error: reason }),
            item({ key: "item-0000", label: "red-sneakers.jpg", result: { listing_id: "l-1", title: "Red sneakers" } }),
            item({ key: "item-0002", label: "coat.jpg + 1 more", result: { listing_id: "l-2", title: "Blue coat" } }),
          ]}
        />
      </MemoryRouter>,
    );
    const failures = screen.getByTestId("job-item-failures");
    expect(within(failures).getByText("IMG_0042.jpg")).toBeInTheDocument();
    const message = within(failures).getByText(reason);
    for (const cls of WRAPPED_TEXT.split(" ")) expect(message).toHaveClass(cls);
    const done = screen.getByTestId("job-item-done");
    expect(within(done).getByRole("link", { name: "Red sneakers" })).toHaveAttribute("href", "/drafts/l-1");
    expect(within(done).getByRole("link", { name: "Blue coat" })).toHaveAttribute("href", "/drafts/l-2");
    expect(within(done).getByText(/red-sneakers\.jpg/)).toBeInTheDocument();
    // Failures come before the done items on the page.
    expect(failures.compareDocumentPosition(done) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Show more" })).not.toBeInTheDocument();
  });

  it("never repeats the job's own error: a one-item job shows no items card, others point to the reason above", () => {
    const reason = "The sandbox marketplace refused the login: Wrong username or password.";
    const { container } = render(
      <MemoryRouter>
        <JobItemsView total={1} jobError={reason} items={[item({ key: "login", label: "login", status: "failed", error: reason })]} />
      </MemoryRouter>,
    );
    expect(container).toBeEmptyDOMElement();
    const ended = render(
      <MemoryRouter>
        <JobItemsView total={0} jobFinished items={[]} />
      </MemoryRouter>,
    );
    expect(ended.container).toBeEmptyDOMElement();
    render(
      <MemoryRouter>
        <JobItemsView
          total={2}
          jobError={reason}
          items={[
            item({ key: "a", label: "first", status: "failed", error: reason }),
            item({ key: "b", label: "second", status: "failed", error: "another reason" }),
          ]}
        />
      </MemoryRouter>,
    );
    expect(screen.queryByText(reason)).not.toBeInTheDocument();
    expect(screen.getByText(SAME_REASON)).toBeInTheDocument();
    expect(screen.getByText("another reason")).toBeInTheDocument();
  });

  it("offers more when the job has more items than are shown, and names items without a draft by their label", () => {
    const more: string[] = [];
    render(
      <MemoryRouter>
        <JobItemsView total={120} hasMore onMore={() => more.push("more")} items={[item({ key: "p1", label: "10.0.0.1:3128" })]} />
      </MemoryRouter>,
    );
    expect(screen.getByText("10.0.0.1:3128")).toBeInTheDocument();
    expect(screen.queryByRole("link")).not.toBeInTheDocument();
    expect(screen.getByText("1 of 120 shown")).toBeInTheDocument();
    screen.getByRole("button", { name: "Show more" }).click();
    expect(more).toEqual(["more"]);
  });
});
