/**
 * Campaigns: the campaign, its content batches and posts, its posting run (plan, start,
 * pause, resume, cancel, retry), import/export, the calendar and statistics. One function
 * per route.
 */
import { api, type Page } from "./endpoints";
import type { Query } from "./client";
import type { components } from "./schema";

type S = components["schemas"];

export type Campaign = S["CampaignOut"];
export type CampaignIn = S["CampaignIn"];
export type CampaignUpdate = S["CampaignUpdate"];
export type CampaignStatus = Campaign["status"];
export type Targeting = S["Targeting"];
export type Schedule = S["Schedule"];
export type Strategy = Campaign["strategy"];
export type PostCounts = S["PostCounts"];
export type Post = S["PostOut"];
export type PostStatus = Post["status"];
export type PostIn = S["PostIn"];
export type PostUpdate = S["PostUpdate"];
export type PostBrief = S["PostBrief"];
export type GenerateIn = S["GenerateIn"];
export type Batch = S["BatchOut"];
export type Plan = S["CampaignPlanOut"];
export type Assignment = S["AssignmentOut"];
export type RetryResult = S["RetryOut"];
export type CampaignImportReport = S["PostImportReport"];
/** One row of a JSON import (CSV columns have the same names); the route reads its body itself, so OpenAPI has no schema for it. */
export interface ImportPostIn {
  caption: string;
  media?: string;
  scheduled_at?: string;
  account?: string;
  platform?: string;
}
export type CalendarPost = S["CalendarPostOut"];
export type CountBy = S["CountBy"];
export type CampaignStatistics = S["CampaignStatistics"];

export type CampaignImportSource = { kind: "json"; rows: ImportPostIn[] } | { kind: "file"; file: File };

export const campaigns = {
  list: (query: Query = {}) => api.get<Page<Campaign>>("/campaigns", query),
  get: (id: string) => api.get<Campaign>(`/campaigns/${id}`),
  create: (body: CampaignIn) => api.post<Campaign>("/campaigns", body),
  update: (id: string, body: CampaignUpdate) => api.patch<Campaign>(`/campaigns/${id}`, body),
  /** Soft delete: the campaign leaves the lists, its posts and jobs stay for history. */
  remove: (id: string) => api.delete(`/campaigns/${id}`),
  restore: (id: string) => api.post<Campaign>(`/campaigns/${id}/restore`),

  posts: (id: string, query: Query = {}) => api.get<Page<Post>>(`/campaigns/${id}/posts`, query),
  addPost: (id: string, body: PostIn) => api.post<Post>(`/campaigns/${id}/posts`, body),
  updatePost: (id: string, postId: string, body: PostUpdate) => api.patch<Post>(`/campaigns/${id}/posts/${postId}`, body),
  /** A one-post batch that rewrites it. */
  regenerate: (id: string, postId: string) => api.post<Batch>(`/campaigns/${id}/posts/${postId}/regenerate`),
  retryPost: (id: string, postId: string) => api.post<Post>(`/campaigns/${id}/posts/${postId}/retry`),
  movePost: (id: string, postId: string, scheduledAt: string) => api.post<Post>(`/campaigns/${id}/posts/${postId}/move`, { scheduled_at: scheduledAt }),

  generate: (id: string, body: GenerateIn) => api.post<Batch>(`/campaigns/${id}/generate`, body),
  batches: (id: string, query: Query = {}) => api.get<Page<Batch>>(`/campaigns/${id}/batches`, query),

  plan: (id: string) => api.get<Plan>(`/campaigns/${id}/plan`),
  start: (id: string) => api.post<Campaign>(`/campaigns/${id}/start`),
  pause: (id: string) => api.post<Campaign>(`/campaigns/${id}/pause`),
  resume: (id: string) => api.post<Campaign>(`/campaigns/${id}/resume`),
  cancel: (id: string) => api.post<Campaign>(`/campaigns/${id}/cancel`),
  retryFailed: (id: string) => api.post<RetryResult>(`/campaigns/${id}/retry-failed`),

  import: (id: string, source: CampaignImportSource) => {
    if (source.kind === "json") return api.post<CampaignImportReport>(`/campaigns/${id}/import`, source.rows);
    const form = new FormData();
    form.append("file", source.file, source.file.name);
    return api.request<CampaignImportReport>("POST", `/campaigns/${id}/import`, { body: form });
  },
  /** The export's bytes (needs the bearer token): see lib/download. */
  export: (id: string, format: "csv" | "json") =>
    api.request<Response>("GET", `/campaigns/${id}/export`, { raw: true, query: { format }, headers: { Accept: format === "csv" ? "text/csv" : "application/json" } }),

  statistics: (id: string) => api.get<CampaignStatistics>(`/campaigns/${id}/statistics`),
};

export const calendar = {
  /** Scheduled and posted posts between two instants (ISO), optionally of one campaign. */
  list: (from: string, to: string, campaignId?: string) => api.get<CalendarPost[]>("/calendar", { from, to, campaign_id: campaignId }),
};
