/**
 * Analytics: the dashboard, the sales list and its CSV download. One function per route.
 *
 * The types are written by hand until the analytics backend (branch a2-analytics) lands on
 * main; they mirror backend/analytics/schemas.py and give way to the generated ones then.
 */
import { api, type Listing, type Page } from "./endpoints";
import type { Query } from "./client";

export interface Totals {
  views: number;
  likes: number;
  messages: number;
  follows: number;
  sales: number;
  revenue: number;
}

/** Percent change against the previous period; null when the previous period had none. */
export type Changes = { [K in keyof Totals]: number | null };

export interface Period {
  from: string;
  to: string;
  days: number;
  tz: string;
}

export interface DayPoint {
  date: string;
  views: number;
  likes: number;
  messages: number;
  sales: number;
  revenue: number;
}

export interface HeatCell {
  /** 0 = Monday … 6 = Sunday */
  weekday: number;
  hour: number;
  views: number;
  sales: number;
}

export interface ListingStat {
  account_id: string;
  platform: string;
  platform_item_id: string;
  listing_id: string | null;
  title: string;
  category: string | null;
  brand: string | null;
  views: number;
  likes: number;
  messages: number;
  follows: number;
  sales: number;
  revenue: number;
  conversion: number | null;
  days_to_sell: number | null;
}

export interface Rankings {
  views: ListingStat[];
  likes: ListingStat[];
  conversion: ListingStat[];
  days_to_sell: ListingStat[];
}

export interface Breakdown {
  name: string;
  listings: number;
  views: number;
  likes: number;
  sales: number;
  revenue: number;
  views_share: number;
  sales_share: number;
}

export interface AccountStat {
  account_id: string;
  platform: string;
  label: string;
  listings: number;
  views: number;
  likes: number;
  messages: number;
  follows: number;
  sales: number;
  revenue: number;
  conversion: number | null;
}

export interface DashboardOut {
  period: Period;
  previous_period: Period;
  totals: Totals;
  previous_totals: Totals;
  change: Changes;
  series: DayPoint[];
  heatmap: HeatCell[];
  top: Rankings;
  bottom: Rankings;
  categories: Breakdown[];
  brands: Breakdown[];
  accounts: AccountStat[];
  reprice: ListingStat[];
  reprice_min_views: number;
}

export interface SaleOut {
  id: string;
  account_id: string;
  platform: string;
  platform_item_id: string;
  listing_id: string | null;
  title: string;
  price: number | null;
  currency: string;
  buyer: string;
  sold_at: string | null;
  listed_at: string | null;
  created_at: string;
}

/** A draft as the listings routes answer it once the backend marks sold ones (status `sold`, price, buyer). */
export type SoldAware = Omit<Listing, "status"> & {
  status: Listing["status"] | "sold";
  sold_price?: number | null;
  buyer?: string | null;
  sold_at?: string | null;
};

export interface DashboardQuery {
  from?: string;
  to?: string;
  tz?: string;
  account?: string;
  platform?: string;
}

export interface SalesQuery {
  account?: string;
  platform?: string;
  /** ISO date-times with a zone */
  from?: string;
  to?: string;
}

export const analytics = {
  dashboard: (query: DashboardQuery) => api.get<DashboardOut>("/analytics/dashboard", { ...query }),
  sales: (query: SalesQuery & { limit?: number; offset?: number }) => api.get<Page<SaleOut>>("/sales", { ...query } as Query),
  /** The CSV's bytes (needs the bearer token): see lib/download. */
  exportSales: (query: SalesQuery) => api.request<Response>("GET", "/sales.csv", { raw: true, query: { ...query }, headers: { Accept: "text/csv" } }),
};
