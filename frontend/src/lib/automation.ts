/** How automation reads to a person: the kinds in words, a rule's schedule, a run's outcome and summary. */
import type { Rule, RuleKind } from "../api/automation";

export interface KindInfo {
  kind: RuleKind;
  label: string;
  /** what one run does, in a sentence */
  description: string;
}

export const RULE_KINDS: readonly KindInfo[] = [
  { kind: "bump", label: "Bump listings", description: "Bumps chosen listings, or the N oldest, every interval." },
  { kind: "relist", label: "Relist old listings", description: "Deletes and publishes again listings older than N days that have not sold; the draft keeps its history." },
  { kind: "follow", label: "Follow users", description: "Follows users from a source (followers of someone, likers of your items, a feed search), skipping those already followed." },
  { kind: "unfollow_nonfollowers", label: "Unfollow non-followers", description: "Unfollows users you followed more than N days ago who do not follow you back." },
  { kind: "message_new_followers", label: "Message new followers", description: "Sends a template's message to each new follower once, after a random delay." },
  { kind: "message_likers", label: "Message likers", description: "Sends a template's message to each user who liked one of your items, once per item, after a random delay." },
  { kind: "price_drop", label: "Price drop", description: "Lowers prices by a percentage or an amount every N days, never below the floor." },
  { kind: "inbox_sync", label: "Inbox sync", description: "Reads the account's conversations into the Inbox page." },
  { kind: "scheduled_publish", label: "Scheduled publishing", description: "Publishes a queue of drafts one by one from the start time, one per interval, each live before the next." },
];

export const kindInfo = (kind: string): KindInfo | undefined => RULE_KINDS.find((k) => k.kind === kind);

/** A kind in words; a kind this app does not know yet as the API names it. */
export const kindName = (kind: string): string => kindInfo(kind)?.label ?? kind.replace(/_/g, " ");

/** "bumped 3 · failed 1" from a run's summary counts (zeros left out). */
export function summaryText(summary: Record<string, number> | null | undefined): string {
  if (!summary) return "";
  return Object.entries(summary)
    .filter(([, n]) => typeof n === "number" && n !== 0)
    .map(([key, n]) => `${key.replace(/_/g, " ")} ${n}`)
    .join(" · ");
}

export type OutcomeTone = "green" | "amber" | "red" | "blue" | "gray";

export function outcomeTone(outcome: string): OutcomeTone {
  if (outcome === "succeeded" || outcome === "completed") return "green";
  if (outcome === "partial" || outcome === "paused") return "amber";
  if (outcome === "failed") return "red";
  if (outcome === "running") return "blue";
  return "gray";
}

/** "every 30 min · 08:00–22:00 (Europe/Paris)" */
export function scheduleText(rule: Pick<Rule, "interval_minutes" | "active_from" | "active_to" | "timezone">): string {
  const m = rule.interval_minutes;
  const every = m % 1440 === 0 ? `every ${m / 1440 === 1 ? "day" : `${m / 1440} days`}` : m % 60 === 0 ? `every ${m / 60 === 1 ? "hour" : `${m / 60} hours`}` : `every ${m} min`;
  const allDay = rule.active_from === "00:00" && rule.active_to === "24:00";
  return `${every} · ${allDay ? "all day" : `${rule.active_from}–${rule.active_to}`} (${rule.timezone})`;
}
