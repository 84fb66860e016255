/** How a job reads to a person: its kind's label and a status that tells the whole outcome. */
import { TERMINAL, type JobStatus } from "./progress";

/** One mapping of job kinds to labels; `kindLabel` humanises any kind missing here. */
export const KIND_LABELS: Record<string, string> = {
  "listings.analyze": "Make drafts from photos",
  "listings.publish": "Publish listing",
  "listings.crosslist": "Crosslist",
  "listings.delist": "Delist item",
  "listings.delist_one": "Delist listing",
  "listings.import": "Import listings",
  "accounts.test_login": "Test login",
  "accounts.resume": "Resume account",
  "proxies.health_check": "Check proxy",
  "automation.run": "Automation run",
  "inbox.sync": "Sync inbox",
  "inbox.reply": "Send reply",
  "campaign.generate": "Write campaign posts",
  "campaign.run": "Campaign run",
  "campaign.post": "Campaign post",
};

const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** "campaigns.post_batch" → "Post batch (campaigns)": readable even for a kind this app does not know yet. */
export function kindLabel(kind: string): string {
  const known = KIND_LABELS[kind];
  if (known) return known;
  const parts = kind.split(".").map((p) => p.replace(/[_-]+/g, " ").trim()).filter(Boolean);
  if (parts.length === 0) return "Job";
  const action = capitalise(parts[parts.length - 1]!);
  return parts.length > 1 ? `${action} (${parts.slice(0, -1).join(" ")})` : action;
}

export type Tone = "green" | "red" | "amber" | "blue" | "gray";

export interface JobCounts {
  /** "connecting" until a live view hears from the server */
  status: JobStatus | "connecting";
  total: number;
  done: number;
  failed: number;
}

export interface JobSummary {
  /** the badge: "succeeded", "completed with 1 failure", "paused"… */
  label: string;
  tone: Tone;
  finished: boolean;
  done: number;
  failed: number;
  /** items a finished job never got to (cancelled, or it failed as a whole) */
  skipped: number;
  /** items still to do while it runs */
  remaining: number;
  total: number;
  /** "2 done · 1 failed of 3" when finished (counts that add up to the total), "1 of 3 done" under way */
  countsText: string;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

// Every status a job can wait or work in has its words: a status the backend adds fails typecheck until it has.
const RUNNING_LABEL: Record<string, [string, Tone]> = {
  pending: ["waiting to start", "gray"],
  running: ["running", "blue"],
  retrying: ["retrying", "amber"],
  paused: ["paused", "amber"],
  connecting: ["connecting", "gray"],
} satisfies Record<Exclude<JobStatus, "succeeded" | "failed" | "cancelled"> | "connecting", [string, Tone]>;

export function jobSummary(job: JobCounts): JobSummary {
  const done = Math.max(0, job.done);
  const failed = Math.max(0, job.failed);
  const total = Math.max(job.total, done + failed);
  const finished = TERMINAL.has(job.status);
  const rest = Math.max(0, total - done - failed);
  const skipped = finished ? rest : 0;
  const remaining = finished ? 0 : rest;

  let label: string;
  let tone: Tone;
  if (job.status === "succeeded") {
    if (failed === 0) [label, tone] = ["succeeded", "green"];
    else if (done === 0) [label, tone] = [total === 1 ? "failed" : `all ${total} failed`, "red"];
    else [label, tone] = [`completed with ${plural(failed, "failure")}`, "amber"];
  } else if (job.status === "failed") {
    [label, tone] = ["failed", "red"];
  } else if (job.status === "cancelled") {
    [label, tone] = ["cancelled", "gray"];
  } else {
    [label, tone] = RUNNING_LABEL[job.status] ?? [job.status.replace(/_/g, " "), "gray"];
  }

  // Finished: the parts add up to the total. Under way: how far it is.
  const parts = finished ? [`${done} done`] : [`${done} of ${total} done`];
  if (failed) parts.push(`${failed} failed`);
  if (skipped) parts.push(`${skipped} skipped`);
  const countsText = !total ? (finished ? "" : "starting…") : finished ? `${parts.join(" · ")} of ${total}` : parts.join(" · ");
  return { label, tone, finished, done, failed, skipped, remaining, total, countsText };
}

