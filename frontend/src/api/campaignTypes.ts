/**
 * Hand-written mirrors of backend/campaigns/schemas.py for the routes not yet on main.
 * Each one goes away (in favour of the generated `components["schemas"][…]`) as soon as
 * its route lands and `npm run gen:api` brings it into schema.d.ts.
 */

export type CampaignStatusName = "draft" | "scheduled" | "running" | "paused" | "completed" | "cancelled";
export type PostStatusName = "draft" | "scheduled" | "posting" | "posted" | "failed" | "cancelled" | "dropped";
export type ContentStateName = "pending" | "ready" | "failed";
export type StrategyName = "round_robin" | "random" | "least_used";

export interface Targeting {
  platforms?: string[];
  statuses?: string[];
  tags?: string[];
  proxy_id?: string | null;
  profile_id?: string | null;
}

export interface Schedule {
  starts_at?: string | null;
  active_from?: string;
  active_to?: string;
  timezone?: string;
  spacing_minutes?: number;
  posts_per_account_per_day?: number;
}

export interface CampaignIn {
  name: string;
  description?: string;
  brand_name?: string;
  target_audience?: string;
  tone?: string;
  targeting?: Targeting;
  strategy?: StrategyName;
  schedule?: Schedule;
}

export type CampaignUpdate = Partial<CampaignIn>;

export interface PostCounts {
  total: number;
  ready: number;
  draft: number;
  scheduled: number;
  posting: number;
  posted: number;
  failed: number;
  cancelled: number;
  dropped: number;
}

export interface CampaignOut {
  id: string;
  name: string;
  description: string;
  brand_name: string;
  target_audience: string;
  tone: string;
  status: CampaignStatusName;
  status_reason: string;
  targeting: Targeting;
  strategy: StrategyName;
  strategy_seed: number | null;
  schedule: Schedule;
  job_id: string | null;
  posts: PostCounts;
  progress: number;
  deleted: boolean;
  created_at: string;
  updated_at: string;
  started_at: string | null;
  completed_at: string | null;
}

export interface PostBrief {
  topic?: string;
  brief?: string;
  tone?: string;
  audience?: string;
  with_image?: boolean;
}

export interface GenerateIn {
  posts?: PostBrief[] | null;
  count?: number | null;
  with_image?: boolean;
}

export interface PostOut {
  id: string;
  campaign_id: string;
  batch_id: string | null;
  position: number;
  source: "generated" | "imported" | "manual";
  topic: string;
  brief: string;
  tone: string;
  audience: string;
  with_image: boolean;
  content_state: ContentStateName;
  content_error: string;
  caption: string;
  media_ids: string[];
  media_source: "generated" | "uploaded" | "none";
  status: PostStatusName;
  account_id: string | null;
  account_label: string;
  platform: string;
  scheduled_at: string | null;
  job_id: string | null;
  posted_at: string | null;
  platform_post_id: string;
  url: string;
  error: string;
  attempts: number;
  created_at: string;
  updated_at: string;
}

export interface PostIn {
  caption: string;
  media_ids?: string[];
  topic?: string;
}

export interface PostUpdate {
  caption?: string;
  media_ids?: string[];
  dropped?: boolean;
}

export interface BatchOut {
  id: string;
  campaign_id: string;
  job_id: string | null;
  status: "running" | "completed" | "cancelled";
  requested: number;
  done: number;
  failed: number;
  pending: number;
  created_at: string;
  finished_at: string | null;
}

export interface AssignmentOut {
  post_id: string;
  position: number;
  caption: string;
  account_id: string;
  account_label: string;
  platform: string;
  scheduled_at: string;
}

export interface PlanOut {
  strategy: StrategyName;
  seed: number | null;
  accounts_matched: number;
  assignments: AssignmentOut[];
  per_account: Record<string, number>;
  last_post_at: string | null;
}

export interface RetryOut {
  retried: number;
  job_ids: string[];
}

export interface ImportRowError {
  row: number;
  field: string;
  reason: string;
}

export interface CampaignImportReport {
  created: number;
  failed: number;
  post_ids: string[];
  errors: ImportRowError[];
}

export interface ImportPostIn {
  caption: string;
  media?: string;
  scheduled_at?: string;
  account?: string;
  platform?: string;
}

export interface CalendarPostOut {
  id: string;
  campaign_id: string;
  campaign_name: string;
  caption: string;
  status: PostStatusName;
  account_id: string | null;
  account_label: string;
  platform: string;
  at: string;
  url: string;
}

export interface CountBy {
  key: string;
  label: string;
  total: number;
  posted: number;
  failed: number;
}

export interface CampaignStatistics {
  campaign_id: string;
  posts: PostCounts;
  success_rate: number | null;
  by_account: CountBy[];
  by_platform: CountBy[];
  by_day: CountBy[];
  avg_seconds_per_post: number | null;
  p95_seconds_per_post: number | null;
  failure_reasons: CountBy[];
}
