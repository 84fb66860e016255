/** How campaigns read to a person: what each status allows, progress, and the plan preview by account. */
import type { Assignment, Campaign, CampaignStatus, Plan, PostCounts, PostStatus } from "../api/campaigns";

export const CAMPAIGN_STATUSES: readonly CampaignStatus[] = ["draft", "scheduled", "running", "paused", "completed", "cancelled"];
export const POST_STATUSES: readonly PostStatus[] = ["draft", "scheduled", "posting", "posted", "failed", "cancelled", "dropped"];

/** One colour per post status (readable on light and dark backgrounds). */
export const STATUS_COLOURS: Record<string, string> = {
  draft: "#94a3b8",
  scheduled: "#38bdf8",
  posting: "#6366f1",
  posted: "#10b981",
  failed: "#f43f5e",
  cancelled: "#64748b",
  dropped: "#cbd5e1",
};

/** Which controls a campaign in this status offers (the API refuses the others with 409). */
export function campaignActions(status: CampaignStatus) {
  return {
    edit: status === "draft",
    start: status === "draft",
    pause: status === "scheduled" || status === "running",
    resume: status === "paused",
    cancel: status === "scheduled" || status === "running" || status === "paused",
  };
}

/** Posts that will be (or were) published: everything but drafts in review and dropped ones. */
export function toPublish(posts: PostCounts): number {
  return posts.scheduled + posts.posting + posts.posted + posts.failed + posts.cancelled;
}

/** "4 of 10 posted · 1 failed" for a campaign's list row and header. */
export function progressText(c: Pick<Campaign, "status" | "posts">): string {
  const p = c.posts;
  if (c.status === "draft") return p.total ? `${p.ready} of ${p.total} post${p.total === 1 ? "" : "s"} written` : "No posts yet";
  const total = toPublish(p);
  const parts = [`${p.posted} of ${total} posted`];
  if (p.failed) parts.push(`${p.failed} failed`);
  if (p.cancelled) parts.push(`${p.cancelled} cancelled`);
  return parts.join(" · ");
}

export interface AccountPlan {
  accountId: string;
  label: string;
  platform: string;
  assignments: Assignment[];
  first: string | null;
  last: string | null;
}

/** The plan preview grouped by account: who posts how many, from when to when (accounts by label). */
export function planByAccount(plan: Plan): AccountPlan[] {
  const groups = new Map<string, AccountPlan>();
  for (const a of plan.assignments) {
    let g = groups.get(a.account_id);
    if (!g) {
      g = { accountId: a.account_id, label: a.account_label || a.account_id, platform: a.platform, assignments: [], first: null, last: null };
      groups.set(a.account_id, g);
    }
    g.assignments.push(a);
  }
  for (const g of groups.values()) {
    g.assignments.sort((x, y) => x.scheduled_at.localeCompare(y.scheduled_at) || x.position - y.position);
    g.first = g.assignments[0]?.scheduled_at ?? null;
    g.last = g.assignments[g.assignments.length - 1]?.scheduled_at ?? null;
  }
  return [...groups.values()].sort((x, y) => x.label.localeCompare(y.label));
}

/** A caption cut to one short line for tables and the calendar. */
export function snippet(caption: string, max = 60): string {
  const line = caption.replace(/\s+/g, " ").trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** "1 m 05 s" / "12 s" for seconds per post; "—" before anything finished. */
export function duration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return "—";
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  return `${m} m ${String(s % 60).padStart(2, "0")} s`;
}

export const percent = (share: number | null | undefined) => (share === null || share === undefined ? "—" : `${Math.round(share * 100)}%`);
