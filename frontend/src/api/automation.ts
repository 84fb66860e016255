/**
 * Automation rules, runs, message templates, the message ledger and the inbox.
 *
 * HAND-WRITTEN types mirroring the issue #14 HTTP contract, kept in this one file
 * until the backend's routes land on main; then they become aliases of the
 * generated `components["schemas"][…]` like src/api/platforms.ts.
 */
import { api, type Job, type Page } from "./endpoints";
import type { Query } from "./client";

export type RuleKind =
  | "bump"
  | "relist"
  | "follow"
  | "unfollow_nonfollowers"
  | "message_new_followers"
  | "message_likers"
  | "price_drop"
  | "inbox_sync"
  | "scheduled_publish";

export type RuleStatus = "active" | "paused" | "completed";

export interface RuleIn {
  account_id: string;
  name: string;
  kind: RuleKind;
  params: Record<string, unknown>;
  interval_minutes: number;
  starts_at?: string | null;
  active_from?: string;
  active_to?: string;
  timezone?: string | null;
  daily_cap?: number;
  enabled?: boolean;
}

export interface RuleUpdate {
  name?: string;
  params?: Record<string, unknown>;
  interval_minutes?: number;
  starts_at?: string | null;
  active_from?: string;
  active_to?: string;
  timezone?: string;
  daily_cap?: number;
  enabled?: boolean;
}

export interface Rule {
  id: string;
  account_id: string;
  account_label: string;
  platform: string;
  name: string;
  kind: RuleKind;
  params: Record<string, unknown>;
  interval_minutes: number;
  starts_at: string | null;
  active_from: string;
  active_to: string;
  timezone: string;
  daily_cap: number;
  actions_today: number;
  status: RuleStatus;
  pause_reason: string;
  next_run_at: string | null;
  last_run_at: string | null;
  last_job_id: string | null;
  last_outcome: string;
  last_summary: Record<string, number>;
  created_at: string;
  updated_at: string;
}

export type RunOutcome = "succeeded" | "partial" | "failed" | "paused" | "running" | "pending";

export interface Run {
  job_id: string;
  rule_id: string;
  rule_name: string;
  kind: RuleKind;
  account_id: string;
  slot: string | null;
  status: string;
  outcome: RunOutcome | string;
  summary: Record<string, number>;
  error: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

export interface TemplateIn {
  name: string;
  body: string;
  ai_variant: boolean;
}

export interface Template extends TemplateIn {
  id: string;
  variables: string[];
  created_at: string;
  updated_at: string;
}

export interface TemplateSample {
  username?: string;
  item_title?: string;
  price?: string;
  discount_price?: string;
  my_name?: string;
}

export interface TemplatePreview {
  text: string;
  variables: string[];
}

export interface LedgerEntry {
  id: string;
  account_id: string;
  rule_id: string | null;
  trigger: string;
  recipient: string;
  subject: string;
  body: string;
  status: string;
  created_at: string;
  sent_at: string | null;
}

export interface Conversation {
  id: string;
  account_id: string;
  account_label: string;
  platform: string;
  with_user: string;
  last_message: string;
  last_message_at: string | null;
  unread_count: number;
  synced_at: string | null;
}

export interface InboxMessage {
  id: string;
  sender: string;
  body: string;
  outgoing: boolean;
  sent_at: string | null;
}

export const rules = {
  list: (query: Query = {}) => api.get<Page<Rule>>("/automation/rules", query),
  get: (id: string) => api.get<Rule>(`/automation/rules/${id}`),
  create: (body: RuleIn) => api.post<Rule>("/automation/rules", body),
  update: (id: string, body: RuleUpdate) => api.patch<Rule>(`/automation/rules/${id}`, body),
  remove: (id: string) => api.delete(`/automation/rules/${id}`),
  /** Run now, outside the schedule: a job of kind automation.run. */
  run: (id: string) => api.post<Job>(`/automation/rules/${id}/run`),
  pause: (id: string) => api.post<Rule>(`/automation/rules/${id}/pause`),
  resume: (id: string) => api.post<Rule>(`/automation/rules/${id}/resume`),
  runs: (query: Query = {}) => api.get<Page<Run>>("/automation/runs", query),
};

export const templates = {
  list: (query: Query = {}) => api.get<Page<Template>>("/automation/templates", query),
  get: (id: string) => api.get<Template>(`/automation/templates/${id}`),
  create: (body: TemplateIn) => api.post<Template>("/automation/templates", body),
  update: (id: string, body: Partial<TemplateIn>) => api.patch<Template>(`/automation/templates/${id}`, body),
  remove: (id: string) => api.delete(`/automation/templates/${id}`),
  preview: (body: string, sample?: TemplateSample, signal?: AbortSignal) =>
    api.post<TemplatePreview>("/automation/templates/preview", sample ? { body, sample } : { body }, { signal }),
  ledger: (query: Query = {}) => api.get<Page<LedgerEntry>>("/automation/ledger", query),
};

export const inbox = {
  list: (query: Query = {}) => api.get<Page<Conversation>>("/inbox", query),
  messages: (id: string, query: Query = {}) => api.get<Page<InboxMessage>>(`/inbox/${id}/messages`, query),
  markRead: (id: string) => api.post<Conversation>(`/inbox/${id}/read`),
  /** A job (inbox.reply): sends through the platform, then syncs the conversation. */
  reply: (id: string, text: string) => api.post<Job>(`/inbox/${id}/reply`, { text }),
  /** A job (inbox.sync) reading the account's conversations. */
  sync: (accountId: string) => api.post<Job>("/inbox/sync", { account_id: accountId }),
};
