/**
 * The superuser console: users, workspaces (usage, overrides), jobs across workspaces, what needs
 * attention, system health. One function per route under /admin (403 for anyone but a superuser).
 */
import { api, type Job, type Page } from "./endpoints";
import type { Query } from "./client";
import type { components } from "./schema";

type S = components["schemas"];

/** An account as the console lists it (never its password or hash); `is_active` false: disabled. */
export type AdminUser = S["UserSummaryOut"];
export type AdminMembership = S["UserMembershipOut"];
export type AdminUserDetail = S["UserDetailOut"];
export type AdminWorkspace = S["WorkspaceSummaryOut"];
/** `active` false once expired: it no longer applies (kept as history until removed). */
export type PlanOverride = S["PlanOverrideOut"];
/** Either `plan`, or `resource` with `limit`, until `expires_at` (in the future), with a reason (3–500 characters). */
export type OverrideCreate = S["PlanOverrideCreate"];
export type OverridePlan = NonNullable<OverrideCreate["plan"]>;
export type OverrideResource = NonNullable<OverrideCreate["resource"]>;
/** Members (a first page), billing (plan, status, limits with usage, overrides applied), overrides (newest first). */
export type AdminWorkspaceDetail = S["AdminWorkspaceOut"];
/** Failed jobs of one kind whose errors start alike. */
export type FailureGroup = S["JobFailureGroupOut"];
export type AttentionAccount = S["AttentionAccountOut"];
/** A received Stripe event (never its payload). */
export type BillingEvent = S["BillingEventOut"];
export type WorkerBeat = S["WorkerHeartbeatOut"];
export type QueueKind = S["PendingKindOut"];
export type SystemHealth = S["JobQueueOut"];

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
