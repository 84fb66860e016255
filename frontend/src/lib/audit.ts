/** How the audit log reads to a person: actions in words, the filters and the query they make. */
import type { AuditEntry, AuditQuery } from "../api/audit";

/** The filter's groups: each is a prefix of the dotted action names. */
export const ACTION_GROUPS: { value: string; label: string }[] = [
  { value: "auth.", label: "Sign-in and sessions" },
  { value: "members.", label: "Members and roles" },
  { value: "billing.", label: "Plan and billing" },
  { value: "accounts.", label: "Platform accounts" },
  { value: "export.", label: "Exports" },
  { value: "admin.", label: "Superuser actions" },
];

/** One mapping of known actions to words; `actionWords` humanises any action missing here. */
export const ACTION_WORDS: Record<string, string> = {
  "auth.sign_in": "Signed in",
  "auth.sign_in_failed": "Failed to sign in",
  "auth.refresh_reuse": "A used session token was presented again (the session was ended)",
  "members.invited": "Invited a member",
  "members.invitation_revoked": "Revoked an invitation",
  "members.added": "Added a member",
  "members.removed": "Removed a member",
  "members.left": "Left the workspace",
  "members.role_changed": "Changed a member's role",
  "billing.plan_changed": "The plan changed",
  "accounts.credentials_changed": "Changed a platform account's credentials",
  "accounts.resume": "Resumed a platform account",
  "accounts.test_login": "Tested a platform account's login",
  "export.sales_csv": "Exported sales (CSV)",
  "export.listings_csv": "Exported listings (CSV)",
  "export.campaign_posts": "Exported a campaign's posts",
  "export.collection_dataset": "Exported an image dataset",
  "admin.user_disabled": "A superuser disabled a user",
  "admin.user_enabled": "A superuser enabled a user",
  "admin.override_set": "A superuser overrode the plan or a limit",
  "admin.override_removed": "A superuser removed an override",
  "admin.job_retried": "A superuser retried a job",
  "admin.users_searched": "A superuser searched the users",
  "admin.user_viewed": "A superuser looked at a user",
  "admin.workspaces_searched": "A superuser searched the workspaces",
  "admin.workspace_viewed": "A superuser looked at the workspace",
  "admin.overrides_viewed": "A superuser looked at the overrides",
  "admin.jobs_listed": "A superuser listed jobs",
  "admin.job_failures_viewed": "A superuser looked at job failures",
  "admin.accounts_attention_viewed": "A superuser looked at accounts needing attention",
  "admin.billing_events_viewed": "A superuser looked at billing events",
  "admin.audit_viewed": "A superuser read the audit log",
};

const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** "export.dataset_zip" → "Export: dataset zip": readable even for an action this app does not know yet. */
export function actionWords(action: string): string {
  const known = ACTION_WORDS[action];
  if (known) return known;
  const [area = "", ...rest] = action.split(".");
  const what = rest.join(" ").replace(/[_-]+/g, " ").trim();
  return what ? `${capitalise(area.replace(/[_-]+/g, " "))}: ${what}` : capitalise(area.replace(/[_-]+/g, " "));
}

/** "user:6f1c…" → "user 6f1c1a2b": ids shortened, labels kept as written. */
export function targetText(target: string): string {
  if (!target) return "—";
  const m = /^([a-z_]+):([0-9a-f-]{36})$/i.exec(target);
  return m ? `${m[1]!.replace(/_/g, " ")} ${m[2]!.slice(0, 8)}` : target;
}

/** The details as "key: value" pairs in words, in a stable order. */
export function detailsText(details: AuditEntry["details"]): string {
  return Object.entries(details ?? {})
    .map(([k, v]) => `${k.replace(/_/g, " ")}: ${v === null ? "—" : String(v)}`)
    .join(" · ");
}

export const PERIODS: { value: string; label: string; hours: number | null }[] = [
  { value: "24h", label: "Last 24 hours", hours: 24 },
  { value: "7d", label: "Last 7 days", hours: 24 * 7 },
  { value: "30d", label: "Last 30 days", hours: 24 * 30 },
  { value: "90d", label: "Last 90 days", hours: 24 * 90 },
  { value: "", label: "All kept", hours: null },
];

export interface AuditFilters {
  group: string;
  actor: string;
  period: string;
  /** the console's deployment-wide log only: one workspace's rows */
  workspace?: string;
  offset: number;
}

export const AUDIT_PAGE = 50;

/**
 * The filters (from the address) as the API's query. The period starts `hours` before `now`, taken
 * to the minute, so the query (and its cache key) stays the same between renders of one minute.
 */
export function auditQuery(filters: AuditFilters, now: Date): AuditQuery {
  const hours = PERIODS.find((p) => p.value === filters.period)?.hours ?? null;
  const minute = Math.floor(now.getTime() / 60_000) * 60_000;
  return {
    action: filters.group || undefined,
    actor: filters.actor || undefined,
    ...(filters.workspace ? { workspace: filters.workspace } : {}),
    since: hours === null ? undefined : new Date(minute - hours * 3_600_000).toISOString(),
    limit: AUDIT_PAGE,
    offset: filters.offset,
  };
}

/** A time in the person's own zone, with the zone named (the log is read across zones). */
export function zonedTime(iso: string, timeZone?: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(undefined, {
    year: "numeric",
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    timeZone,
    timeZoneName: "short",
  }).format(d);
}
