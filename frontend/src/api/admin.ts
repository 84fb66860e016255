/**
 * The superuser console: users, workspaces (usage, overrides), jobs across workspaces, what needs
 * attention, system health. One function per route under /admin (403 for anyone but a superuser).
 *
 * The types are written by hand until the admin backend (branch o1-admin) lands on main; they
 * mirror backend/admin/schemas.py and give way to the generated ones then.
 */
import { api, type Billing, type Job, type Member, type Page, type Role } from "./endpoints";
import type { Account } from "./platforms";
import type { Query } from "./client";

/** UserSummaryOut: an account as the console lists it (never its password or hash). */
export interface AdminUser {
  id: string;
  email: string;
  full_name: string;
  /** false: disabled by a superuser; it cannot sign in and its tokens are refused */
  is_active: boolean;
  is_superuser: boolean;
  created_at: string;
  last_login_at: string | null;
}

/** UserMembershipOut */
export interface AdminMembership {
  workspace_id: string;
  workspace_name: string;
  is_personal: boolean;
  role: Role;
  paused: boolean;
  joined_at: string;
}

/** UserDetailOut */
export interface AdminUserDetail {
  user: AdminUser;
  memberships: AdminMembership[];
}

/** WorkspaceSummaryOut */
export interface AdminWorkspace {
  id: string;
  name: string;
  is_personal: boolean;
  created_at: string;
  created_by_email: string | null;
  /** how many members */
  members: number;
}

export type OverridePlan = "free" | "pro" | "business";
export type OverrideResource = "platform_accounts" | "ai_generations" | "active_rules" | "concurrent_jobs" | "seats";

/** PlanOverrideOut */
export interface PlanOverride {
  id: string;
  workspace_id: string;
  /** a whole plan, or null when the override is one limit */
  plan: string | null;
  /** the limit's resource, or null for a plan override */
  resource: string | null;
  limit: number | null;
  reason: string;
  expires_at: string;
  /** false once expired: it no longer applies (kept as history until removed) */
  active: boolean;
  created_by: string | null;
  created_by_email: string;
  created_at: string;
}

/** PlanOverrideCreate: either `plan`, or `resource` with `limit`, until `expires_at` (in the future), with a reason. */
export interface OverrideCreate {
  expires_at: string;
  /** 3–500 characters */
  reason: string;
  plan?: OverridePlan | null;
  resource?: OverrideResource | null;
  limit?: number | null;
}

/** AdminWorkspaceOut */
export interface AdminWorkspaceDetail {
  workspace: AdminWorkspace;
  /** the first members (oldest first); `total` counts them all */
  members: Page<Member>;
  /** plan, subscription status and each limit with its usage (overrides applied) */
  billing: Billing;
  /** newest first, expired ones included (`active` false) */
  overrides: PlanOverride[];
}

/** JobFailureGroupOut: failed jobs of one kind whose errors start alike. */
export interface FailureGroup {
  kind: string;
  reason: string;
  count: number;
  last_failed_at: string | null;
}

/** AttentionAccountOut */
export interface AttentionAccount {
  workspace_id: string;
  account: Account;
}

/** BillingEventOut: a received Stripe event (never its payload). */
export interface BillingEvent {
  id: string;
  type: string;
  /** Stripe's event time (Unix seconds) */
  created: number;
  received_at: string;
  handled_at: string | null;
  attempts: number;
  error: string | null;
}

/** WorkerHeartbeatOut */
export interface WorkerBeat {
  worker_id: string;
  last_beat_at: string;
  /** a beat within the last three heartbeat intervals */
  alive: boolean;
  running_jobs: number;
}

/** PendingKindOut: jobs waiting to run (pending or retrying) over every workspace. */
export interface QueueKind {
  kind: string;
  pending: number;
}

/** JobQueueOut */
export interface SystemHealth {
  /** jobs waiting in arq's queue in Redis (dispatched, not yet taken by a worker) */
  queue_depth: number;
  pending_by_kind: QueueKind[];
  workers: WorkerBeat[];
}

export interface AdminJobsQuery {
  kind?: string;
  status?: string;
  /** a workspace's id */
  workspace?: string;
  limit?: number;
  offset?: number;
}

export const admin = {
  /** `search` (part of the email or name), `active` (true/false) */
  users: (query: Query) => api.get<Page<AdminUser>>("/admin/users", query),
  user: (id: string) => api.get<AdminUserDetail>(`/admin/users/${id}`),
  disableUser: (id: string) => api.post<AdminUserDetail>(`/admin/users/${id}/disable`),
  enableUser: (id: string) => api.post<AdminUserDetail>(`/admin/users/${id}/enable`),
  workspaces: (query: Query) => api.get<Page<AdminWorkspace>>("/admin/workspaces", query),
  workspace: (id: string) => api.get<AdminWorkspaceDetail>(`/admin/workspaces/${id}`),
  addOverride: (id: string, body: OverrideCreate) => api.post<PlanOverride>(`/admin/workspaces/${id}/overrides`, body),
  removeOverride: (id: string, overrideId: string) => api.delete(`/admin/workspaces/${id}/overrides/${overrideId}`),
  jobs: (query: AdminJobsQuery) => api.get<Page<Job>>("/admin/jobs", { ...query }),
  failures: (kind?: string) => api.get<FailureGroup[]>("/admin/jobs/failures", { kind }),
  retryJob: (id: string) => api.post<Job>(`/admin/jobs/${id}/retry`),
  attention: (query: Query) => api.get<Page<AttentionAccount>>("/admin/accounts/attention", query),
  /** unhandled events only unless `unhandled: false` */
  billingEvents: (query: Query) => api.get<Page<BillingEvent>>("/admin/billing/webhook-events", query),
  system: () => api.get<SystemHealth>("/admin/system"),
};
