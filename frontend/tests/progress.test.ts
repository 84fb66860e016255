import { describe, expect, it } from "vitest";
import { compareStreamIds, failedItems, initialProgress, producedItems, progressReducer, type JobEventData, type ProgressState, type StreamEvent } from "../src/lib/progress";

const JOB = "job-1";
let clock = 1_700_000_000_000;

function ev(type: JobEventData["type"], fields: Partial<JobEventData> = {}, id?: string): StreamEvent {
  clock += 1;
  return {
    id: id ?? `${clock}-0`,
    data: { type, job_id: JOB, kind: "listings.analyze", status: "running", total: 3, done: 0, failed: 0, progress: 0, at: new Date().toISOString(), payload: {}, ...fields },
  };
}

const run = (events: StreamEvent[], state: ProgressState = initialProgress(JOB)) =>
  events.reduce((s, event) => progressReducer(s, { type: "event", event }), state);

describe("progress reducer", () => {
  it("adds the items a late stream missed from the job's item list, once, after those it saw", () => {
    // The page connected after two of three items were done: the snapshot counted them, no item event came.
    let s = run([
      ev("job.snapshot", { done: 2, progress: 0.6667 }),
      ev("job.item", { done: 3, progress: 1, payload: { key: "item-0002", ok: true, result: { listing_id: "l3", title: "Green hat" } } }),
      ev("job.succeeded", { status: "succeeded", done: 3, progress: 1 }),
    ]);
    const listed = [
      { key: "item-0000", status: "done" as const, result: { listing_id: "l1", title: "Red dress" }, error: null },
      { key: "item-0001", status: "failed" as const, result: null, error: "Provider unavailable" },
      { key: "item-0002", status: "done" as const, result: { listing_id: "l3", title: "Green hat" }, error: null },
    ];
    s = progressReducer(s, { type: "listed", jobId: JOB, items: listed });
    expect(producedItems(s).map((i) => i.listingId)).toEqual(["l3", "l1"]);
    expect(failedItems(s).map((i) => i.error)).toEqual(["Provider unavailable"]);
    expect(progressReducer(s, { type: "listed", jobId: JOB, items: listed })).toBe(s);
    expect(progressReducer(s, { type: "listed", jobId: "another", items: listed })).toBe(s);
  });

  it("starts connecting at 0%", () => {
    const s = initialProgress(JOB);
    expect(s.status).toBe("connecting");
    expect(s.percent).toBe(0);
    expect(s.terminal).toBe(false);
  });

  it("follows a job from snapshot to success: percent, items, terminal", () => {
    const events = [
      ev("job.snapshot", { status: "pending" }),
      ev("job.started"),
      ev("job.item", { done: 1, progress: 0.3333, payload: { key: "item-0000", ok: true, result: { listing_id: "l1", title: "Red dress" } } }),
      ev("job.progress", { done: 1, progress: 0.3333 }),
      ev("job.item", { done: 2, progress: 0.6667, payload: { key: "item-0001", ok: true, result: { listing_id: "l2", title: "Blue jeans" } } }),
      ev("job.item", { done: 2, failed: 1, progress: 1, payload: { key: "item-0002", ok: false, error: "Provider unavailable" } }),
    ];
    let s = run(events);
    expect(s.status).toBe("running");
    expect(s.percent).toBe(100);
    expect(s.done).toBe(2);
    expect(s.failed).toBe(1);
    expect(producedItems(s).map((i) => [i.listingId, i.title])).toEqual([
      ["l1", "Red dress"],
      ["l2", "Blue jeans"],
    ]);
    expect(failedItems(s)).toEqual([{ key: "item-0002", ok: false, error: "Provider unavailable" }]);
    expect(s.terminal).toBe(false);
    s = run([ev("job.succeeded", { status: "succeeded", done: 2, failed: 1, progress: 1 })], s);
    expect(s.terminal).toBe(true);
    expect(s.status).toBe("succeeded");
    expect(s.percent).toBe(100);
  });

  it("rounds progress to a whole percent", () => {
    expect(run([ev("job.progress", { progress: 0.3333 })]).percent).toBe(33);
    expect(run([ev("job.progress", { progress: 0.6667 })]).percent).toBe(67);
  });

  it("is idempotent on replayed event ids", () => {
    const started = ev("job.started");
    const item = ev("job.item", { done: 1, progress: 0.5, total: 2, payload: { key: "item-0000", ok: true, result: { listing_id: "l1", title: "A" } } });
    const once = run([started, item]);
    const twice = run([item, item], once);
    expect(twice).toBe(once); // same object: nothing changed
    expect(twice.items).toHaveLength(1);
  });

  it("ignores older events replayed out of order", () => {
    const early = ev("job.progress", { done: 1, progress: 0.33 });
    const late = ev("job.progress", { done: 2, progress: 0.67 });
    const s = run([late, early]);
    expect(s.done).toBe(2);
    expect(s.percent).toBe(67);
  });

  it("records failure with its reason, and a retry clears it", () => {
    let s = run([ev("job.started"), ev("job.failed", { status: "failed", progress: 0.5, payload: { error: "RuntimeError: boom" } })]);
    expect(s.terminal).toBe(true);
    expect(s.status).toBe("failed");
    expect(s.error).toBe("RuntimeError: boom");
    expect(s.percent).toBe(50);
    s = run([ev("job.created", { status: "pending", progress: 0.5, payload: { retry: true } })], s);
    expect(s.terminal).toBe(false);
    expect(s.error).toBeNull();
  });

  it("a retried item replaces its failure in place", () => {
    const s = run([
      ev("job.item", { failed: 1, payload: { key: "item-0000", ok: false, error: "timeout" } }),
      ev("job.item", { done: 1, payload: { key: "item-0000", ok: true, result: { listing_id: "l9", title: "Hat" } } }),
    ]);
    expect(s.items).toEqual([{ key: "item-0000", ok: true, listingId: "l9", title: "Hat" }]);
  });

  it("cancelled is terminal", () => {
    const s = run([ev("job.started"), ev("job.cancelled", { status: "cancelled", progress: 0.2 })]);
    expect(s.terminal).toBe(true);
    expect(s.status).toBe("cancelled");
    expect(s.error).toBe("Cancelled");
  });

  it("a job.paused event parks the job with its reason; job.resumed brings it back", () => {
    const reason = "The platform asks for a captcha: solve it in the account, then resume";
    const started = ev("job.started");
    const paused = ev("job.paused", { status: "paused", done: 1, progress: 0.3333, payload: { reason } });
    let s = run([started, paused]);
    expect(s.status).toBe("paused");
    expect(s.pausedReason).toBe(reason);
    expect(s.error).toBeNull(); // waiting for a person is not a failure
    expect(s.terminal).toBe(false); // the stream stays open for the resume
    expect(s.done).toBe(1);
    expect(s.percent).toBe(33);

    s = run([ev("job.resumed", { status: "pending", done: 1, progress: 0.3333 })], s);
    expect(s.status).toBe("pending");
    expect(s.pausedReason).toBeNull();
    expect(s.terminal).toBe(false);
    expect(s.done).toBe(1);
    s = run([ev("job.started", { done: 1, progress: 0.3333, payload: { attempt: 1 } })], s);
    expect(s.status).toBe("running");

    // The pause delivered again (a reconnect's replay) changes nothing: same id, and older than the resume.
    expect(run([paused], s)).toBe(s);
  });

  it("replaying a job.paused event with the same id changes nothing", () => {
    const started = ev("job.started");
    const paused = ev("job.paused", { status: "paused", payload: { reason: "Challenge" } });
    const once = run([started, paused]);
    expect(once.status).toBe("paused");
    expect(run([paused, paused], once)).toBe(once);
  });

  it("a pause without a reason keeps the one already known; a snapshot of a paused job has none", () => {
    let s = run([ev("job.paused", { status: "paused", payload: { reason: "Challenge" } }), ev("job.progress", { status: "paused" })]);
    expect(s.pausedReason).toBe("Challenge");
    s = run([ev("job.snapshot", { status: "paused" })]);
    expect(s.status).toBe("paused");
    expect(s.pausedReason).toBeNull(); // the job card then shows the record's reason
  });

  it("ignores events of other jobs; a child does not move the parent's counters", () => {
    const s = run([ev("job.progress", { job_id: "other", done: 3, progress: 1 }), ev("job.progress", { job_id: "child", parent_id: JOB, done: 3, progress: 1 })]);
    expect(s.percent).toBe(0);
    expect(s.status).toBe("connecting");
  });

  it("reset starts over for another job", () => {
    const s = progressReducer(run([ev("job.started")]), { type: "reset", jobId: "job-2" });
    expect(s).toEqual(initialProgress("job-2"));
  });

  it("compares stream ids numerically", () => {
    expect(compareStreamIds("1700000000001-0", "1700000000000-5")).toBe(1);
    expect(compareStreamIds("9-10", "9-9")).toBe(1);
    expect(compareStreamIds("9-1", "9-1")).toBe(0);
    expect(compareStreamIds("10-0", "9-0")).toBe(1);
  });
});
