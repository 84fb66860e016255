/**
 * Analytics and sales pages: the filters kept in the address (so a view can be shared), the
 * period they mean, changes against the previous period, the heatmap's grid and colour scale.
 */
import type { HeatCell, ListingStat, Totals } from "../api/analytics";

export const PRESETS = [7, 30, 90] as const;
export const DEFAULT_DAYS = 30;
/** The dashboard's longest period (the API refuses more). */
export const MAX_DAYS = 366;
export const WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"] as const;

/** What the address says: a preset (`days`), a custom period (`from`/`to`), or, for sales, any time. */
export interface Filters {
  days: number | null;
  from: string;
  to: string;
  account: string;
  platform: string;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A day as YYYY-MM-DD in the browser's time zone. */
export function localDate(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

export function addDays(day: string, n: number): string {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  return localDate(new Date(y, m - 1, d + n));
}

/** The browser's IANA time zone: the dashboard's days and heatmap hours are the user's own. */
export function browserZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
}

/**
 * The filters in the address. A valid custom period wins over a preset; without either the
 * dashboard shows the last 30 days and the sales page (`anyTime`) every sale.
 */
export function readFilters(params: URLSearchParams, { anyTime = false } = {}): Filters {
  const from = params.get("from") ?? "";
  const to = params.get("to") ?? "";
  const account = params.get("account") ?? "";
  const platform = params.get("platform") ?? "";
  if (DATE.test(from) && DATE.test(to)) return { days: null, from, to, account, platform };
  const days = Number(params.get("days"));
  const preset = (PRESETS as readonly number[]).includes(days) ? days : anyTime ? null : DEFAULT_DAYS;
  return { days: preset, from: "", to: "", account, platform };
}

/** The period's first and last day (both included), or null for any time. */
export function periodDays(filters: Filters, today: string): { from: string; to: string } | null {
  if (filters.from && filters.to) return { from: filters.from, to: filters.to };
  if (filters.days === null) return null;
  return { from: addDays(today, -(filters.days - 1)), to: today };
}

/** What is wrong with a custom period, in words, or null. */
export function periodError(from: string, to: string): string | null {
  if (!DATE.test(from) || !DATE.test(to)) return "Choose both the first and the last day";
  if (to < from) return "The last day must not be before the first";
  const days = Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000) + 1;
  if (days > MAX_DAYS) return `A period is at most ${MAX_DAYS} days`;
  return null;
}

/** The dashboard's query: whole days in the browser's zone. */
export function dashboardQuery(filters: Filters, today: string, tz: string) {
  const days = periodDays(filters, today) ?? periodDays({ ...filters, days: DEFAULT_DAYS }, today)!;
  return { ...days, tz, account: filters.account || undefined, platform: filters.platform || undefined };
}

/** The sales query: the same days as instants (local midnights), the last day included. */
export function salesQuery(filters: Filters, today: string) {
  const days = periodDays(filters, today);
  const midnight = (day: string) => new Date(`${day}T00:00:00`).toISOString();
  return {
    account: filters.account || undefined,
    platform: filters.platform || undefined,
    from: days ? midnight(days.from) : undefined,
    to: days ? midnight(addDays(days.to, 1)) : undefined,
  };
}

export interface ChangeView {
  direction: "up" | "down" | "flat" | "none";
  text: string;
}

/** A change as an arrow's direction and words; `null` means the previous period had nothing. */
export function changeView(change: number | null): ChangeView {
  if (change === null) return { direction: "none", text: "no data before" };
  if (change === 0) return { direction: "flat", text: "no change" };
  const abs = Math.abs(change);
  const shown = abs >= 100 ? Math.round(abs).toLocaleString() : abs.toLocaleString(undefined, { maximumFractionDigits: 1 });
  return { direction: change > 0 ? "up" : "down", text: `${change > 0 ? "+" : "−"}${shown} %` };
}

export const TOTALS: { key: keyof Totals; label: string }[] = [
  { key: "views", label: "Views" },
  { key: "likes", label: "Likes" },
  { key: "messages", label: "Messages" },
  { key: "follows", label: "Follows" },
  { key: "sales", label: "Sales" },
  { key: "revenue", label: "Revenue" },
];

export function formatCount(n: number): string {
  return n.toLocaleString();
}

export function formatMoney(n: number): string {
  return n.toLocaleString(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}

/** A 0–1 share as a percent; conversions are small, so they keep two decimals. */
export function formatShare(share: number | null, digits = 1): string {
  if (share === null) return "—";
  return `${(share * 100).toLocaleString(undefined, { maximumFractionDigits: digits })} %`;
}

/** A 7 × 24 grid (Monday first, hour 0 first) from the API's cells, missing cells as zero. */
export function heatGrid(cells: HeatCell[]): HeatCell[][] {
  const grid = WEEKDAYS.map((_, weekday) => Array.from({ length: 24 }, (_, hour) => ({ weekday, hour, views: 0, sales: 0 })));
  for (const cell of cells) {
    const row = grid[cell.weekday];
    if (row && cell.hour >= 0 && cell.hour < 24) row[cell.hour] = cell;
  }
  return grid;
}

/** Five steps of the colour scale: 0 for nothing, 1–4 by the share of the busiest cell. */
export function heatLevel(value: number, max: number): 0 | 1 | 2 | 3 | 4 {
  if (value <= 0 || max <= 0) return 0;
  return Math.min(4, Math.max(1, Math.ceil((value / max) * 4))) as 1 | 2 | 3 | 4;
}

export type RankingKey = "views" | "likes" | "conversion" | "days_to_sell";

export const RANKINGS: { key: RankingKey; label: string; top: string; bottom: string }[] = [
  { key: "views", label: "Views", top: "Most viewed", bottom: "Least viewed" },
  { key: "likes", label: "Likes", top: "Most liked", bottom: "Least liked" },
  { key: "conversion", label: "Conversion", top: "Best conversion", bottom: "Worst conversion" },
  { key: "days_to_sell", label: "Days to sell", top: "Fastest sold", bottom: "Slowest sold" },
];

/** The figure a ranking is ordered by, as shown in its column. */
export function rankingValue(stat: ListingStat, key: RankingKey): string {
  if (key === "conversion") return formatShare(stat.conversion, 2);
  if (key === "days_to_sell") return stat.days_to_sell === null ? "—" : `${stat.days_to_sell.toLocaleString(undefined, { maximumFractionDigits: 1 })} d`;
  return formatCount(stat[key]);
}

/** Where a listing's row links: its draft when it came from one. */
export function draftPath(listingId: string | null): string | null {
  return listingId ? `/drafts/${listingId}` : null;
}
