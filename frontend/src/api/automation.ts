/**
 * Automation rules, runs, message templates, the message ledger and the inbox:
 * types generated from the API's schema (issue #14), and one function per route.
 */
import { api, type Job, type Page } from "./endpoints";
import type { Query } from "./client";
import type { components } from "./schema";

type S = components["schemas"];

/** The kinds a rule may have (the API's RuleOut.kind is a plain string; the rules API refuses others). */
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

export type Rule = S["RuleOut"];
export type RuleIn = S["RuleIn"];
export type RuleUpdate = S["RuleUpdate"];
export type RuleStatus = Rule["status"];
export type Run = S["RunOut"];
export type RunOutcome = Run["outcome"];
export type Template = S["TemplateOut"];
export type TemplateIn = S["TemplateIn"];
export type TemplateUpdate = S["TemplateUpdate"];
export type TemplateSample = S["PreviewSample"];
export type TemplatePreview = S["PreviewOut"];
export type LedgerEntry = S["LedgerEntryOut"];
export type Conversation = S["ConversationOut"];
export type InboxMessage = S["InboxMessageOut"];

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
  update: (id: string, body: TemplateUpdate) => api.patch<Template>(`/automation/templates/${id}`, body),
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
