import { describe, expect, it } from "vitest";
import { campaignActions, planByAccount, progressText, snippet } from "../src/lib/campaigns";
import type { Plan, PostCounts } from "../src/api/campaigns";

const counts = (patch: Partial<PostCounts>): PostCounts => ({ total: 0, ready: 0, draft: 0, scheduled: 0, posting: 0, posted: 0, failed: 0, cancelled: 0, dropped: 0, ...patch });

describe("campaigns", () => {
  it("groups the plan preview by account: how many each posts, first and last time", () => {
    const a = (post: string, position: number, account: string, label: string, at: string) => ({ post_id: post, position, caption: "c", account_id: account, account_label: label, platform: "sandbox", scheduled_at: at });
    const plan: Plan = {
      strategy: "round_robin",
      seed: null,
      accounts_matched: 2,
      per_account: { b: 2, a: 1 },
      last_post_at: "2026-12-01T12:00:00Z",
      assignments: [a("p1", 0, "b", "Bob", "2026-12-01T12:00:00Z"), a("p2", 1, "a", "Ann", "2026-12-01T10:00:00Z"), a("p3", 2, "b", "Bob", "2026-12-01T09:00:00Z")],
    };
    const groups = planByAccount(plan);
    expect(groups.map((g) => [g.label, g.assignments.length, g.first, g.last])).toEqual([
      ["Ann", 1, "2026-12-01T10:00:00Z", "2026-12-01T10:00:00Z"],
      ["Bob", 2, "2026-12-01T09:00:00Z", "2026-12-01T12:00:00Z"],
    ]);
    expect(groups[1]!.assignments.map((x) => x.post_id)).toEqual(["p3", "p1"]);
  });

  it("offers the controls each status allows", () => {
    expect(campaignActions("draft")).toEqual({ edit: true, start: true, pause: false, resume: false, cancel: false });
    expect(campaignActions("running")).toMatchObject({ pause: true, resume: false, cancel: true });
    expect(campaignActions("paused")).toMatchObject({ pause: false, resume: true, cancel: true });
    expect(campaignActions("completed")).toMatchObject({ pause: false, resume: false, cancel: false });
  });

  it("tells progress: written posts for a draft, posted of those to publish afterwards", () => {
    expect(progressText({ status: "draft", posts: counts({ total: 4, ready: 3, draft: 4 }) })).toBe("3 of 4 posts written");
    expect(progressText({ status: "running", posts: counts({ total: 12, scheduled: 5, posted: 4, failed: 1, dropped: 2 }) })).toBe("4 of 10 posted · 1 failed");
  });

  it("cuts captions to a line", () => {
    expect(snippet("Hello\n  world", 60)).toBe("Hello world");
    expect(snippet("x".repeat(70), 10)).toBe("xxxxxxxxx…");
  });
});
