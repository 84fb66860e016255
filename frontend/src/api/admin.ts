/**
 * The superuser console: users, workspaces (usage, overrides), jobs across workspaces, what needs
 * attention, system health. One function per route under /admin (403 for anyone but a superuser).
 *
 * The types are written by hand until the admin backend (branch o1-admin) lands on main; they
 * mirror backend/admin/schemas.py and give way to the generated ones then.
 */
import { api, type Job, type Limit, type Member, type Page, type Role } from "./endpoints";
import type { Query } from "./client";

export interface AdminUser {
  id: string;
  email: string;
  full_name: string;
  is_superuser: boolean;
  /** false: disabled by a superuser; their tokens stopped working at once */
  is_active: boolean;
  created_at: string;
  last_sign_in_at: string | null;
}

export interface AdminMembership {
  workspace_id: string;
  workspace_name: string;
  role: Role;
  joined_at: string;
}

export interface AdminUserDetail extends AdminUser {
  memberships: AdminMembership[];
}

export interface AdminWorkspace {
  id: string;
  name: string;
  plan: string;
  members: number;
  created_at: string;
}

export interface PlanOverride {
  id: string;
  /** a whole plan ("pro"), or null when the override is one limit */
  plan: string | null;
  /** the limit's resource ("platform_accounts"), or null for a plan override */
  resource: string | null;
  limit: number | null;
  reason: string;
  expires_at: string;
  created_at: string;
  created_by_email: string;
}

export interface OverrideCreate {
  plan?: string;
  resource?: string;
  limit?: number;
  /** ISO date-time with a zone, in the future */
  expires_at: string;
  reason: string;
}

export interface AdminWorkspaceDetail {
  id: string;
  name: string;
  created_at: string;
  /** the plan in force (an override's while it lasts) */
  plan: string;
  plan_title: string;
  /** the subscription's own plan, under any override */
  subscribed_plan: string;
  subscription_status: string;
  members: Member[];
  limits: Limit[];
  overrides: PlanOverride[];
}

export type AdminJob = Job & { workspace_name?: string };

export interface FailureGroup {
  kind: string;
  /** the start of the error text the failures share */
  reason: string;
  count: number;
  last_at: string | null;
}

export interface AttentionAccount {
  id: string;
  workspace_id: string;
  workspace_name: string;
  platform: string;
  login: string;
  status: string;
  status_reason: string | null;
  updated_at: string | null;
}

export interface UnhandledEvent {
  id: string;
  type: string;
  received_at: string;
  attempts: number;
  error: string | null;
}

export interface WorkerBeat {
  worker_id: string;
  last_beat_at: string;
  age_seconds: number;
  alive: boolean;
}

export interface QueueKind {
  kind: string;
  pending: number;
}

export interface SystemHealth {
  workers: WorkerBeat[];
  /** a worker whose last beat is older than this is dead */
  max_age_seconds: number;
  /** jobs waiting in the arq queue */
  queue_depth: number;
  /** pending jobs by kind, from the job records */
  pending_by_kind: QueueKind[];
  checked_at: string;
}

export interface AdminJobsQuery {
  kind?: string;
  status?: string;
  workspace_id?: string;
  limit?: number;
  offset?: number;
}

export const admin = {
  users: (query: Query) => api.get<Page<AdminUser>>("/admin/users", query),
  user: (id: string) => api.get<AdminUserDetail>(`/admin/users/${id}`),
  disableUser: (id: string) => api.post<AdminUserDetail>(`/admin/users/${id}/disable`),
  enableUser: (id: string) => api.post<AdminUserDetail>(`/admin/users/${id}/enable`),
  workspaces: (query: Query) => api.get<Page<AdminWorkspace>>("/admin/workspaces", query),
  workspace: (id: string) => api.get<AdminWorkspaceDetail>(`/admin/workspaces/${id}`),
  addOverride: (id: string, body: OverrideCreate) => api.post<PlanOverride>(`/admin/workspaces/${id}/overrides`, body),
  removeOverride: (id: string, overrideId: string) => api.delete(`/admin/workspaces/${id}/overrides/${overrideId}`),
  jobs: (query: AdminJobsQuery) => api.get<Page<AdminJob>>("/admin/jobs", { ...query }),
  failures: (query: AdminJobsQuery) => api.get<FailureGroup[]>("/admin/jobs/failures", { ...query }),
  retryJob: (id: string) => api.post<Job>(`/admin/jobs/${id}/retry`),
  attention: (query: Query) => api.get<Page<AttentionAccount>>("/admin/accounts/attention", query),
  billingEvents: (query: Query) => api.get<Page<UnhandledEvent>>("/admin/billing/events", query),
  system: () => api.get<SystemHealth>("/admin/system"),
};
