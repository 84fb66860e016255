/**
 * Analytics: the dashboard, the sales list and its CSV download. One function per route.
 */
import { api, type Page } from "./endpoints";
import type { components } from "./schema";
import type { Query } from "./client";

type S = components["schemas"];

export type Totals = S["Totals"];
/** Percent change against the previous period; null when the previous period had none. */
export type Changes = S["Changes"];
export type Period = S["Period"];
export type DayPoint = S["DayPoint"];
export type HeatCell = S["HeatCell"];
export type ListingStat = S["ListingStat"];
export type Rankings = S["Rankings"];
export type Breakdown = S["Breakdown"];
export type AccountStat = S["AccountStat"];
export type DashboardOut = S["DashboardOut"];
export type SaleOut = S["SaleOut"];

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
