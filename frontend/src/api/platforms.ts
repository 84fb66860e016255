/**
 * Platform accounts, proxies and browser profiles.
 *
 * These routes are being built in parallel (branch platforms-crud); the types
 * below follow the agreed contract. When the routes land in main, run
 * `npm run gen:api` and swap these for `components["schemas"][...]`.
 */
import type { Page } from "./endpoints";

export type AccountStatus = "active" | "needs_attention" | "cooldown" | "banned" | "inactive";
export const ACCOUNT_STATUSES: readonly AccountStatus[] = ["active", "needs_attention", "cooldown", "banned", "inactive"];

export interface Account {
  id: string;
  platform: string;
  platform_title: string;
  driver_verified: boolean;
  login: string;
  label: string;
  status: AccountStatus;
  status_reason: string;
  proxy_id: string | null;
  profile_id: string | null;
  daily_action_cap: number;
  actions_today: number;
  last_used_at: string | null;
}

export interface AccountCreate {
  platform: string;
  login: string;
  password?: string;
  label?: string;
  proxy_id?: string | null;
  profile_id?: string | null;
  daily_action_cap?: number;
}

export interface Proxy {
  id: string;
  label: string;
  kind: string;
  scheme: string;
  host: string;
  port: number;
  status: string;
  latency_ms: number | null;
  last_checked_at: string | null;
  last_error: string;
}

export interface ProxyCreate {
  label?: string;
  kind?: string;
  scheme: string;
  host: string;
  port: number;
  username?: string;
  password?: string;
}

export interface Profile {
  id: string;
  name: string;
  template: string | null;
  user_agent: string;
  viewport_width: number;
  viewport_height: number;
  locale: string;
  timezone: string;
  is_mobile: boolean;
}

export interface ProfileTemplate {
  name: string;
  title?: string;
  description?: string;
  [key: string]: unknown;
}

export interface ImportRow {
  row: number;
  status: "created" | "skipped" | "failed" | string;
  id: string | null;
  reason: string | null;
}

export interface ImportReport {
  created: number;
  skipped: number;
  failed: number;
  rows: ImportRow[];
}

export type AccountPage = Page<Account>;
export type ProxyPage = Page<Proxy>;
export type ProfilePage = Page<Profile>;
