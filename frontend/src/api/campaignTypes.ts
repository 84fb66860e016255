/**
 * Hand-written mirrors of backend/campaigns/schemas.py for the routes not yet on main.
 * Each one goes away (in favour of the generated `components["schemas"][…]`) as soon as
 * its route lands and `npm run gen:api` brings it into schema.d.ts.
 */
import type { components } from "./schema";

type PostCounts = components["schemas"]["PostCounts"];

export type PostStatusName = "draft" | "scheduled" | "posting" | "posted" | "failed" | "cancelled" | "dropped";

export type StrategyName = "round_robin" | "random" | "least_used";

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
