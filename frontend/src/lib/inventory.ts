/**
 * Inventory in words and colours, and the crosslist dialog's rules: pure functions (no requests),
 * so the pages stay thin and the rules are tested on their own.
 */
import type { Account } from "../api/platforms";
import type {
  Conflict,
  ConflictKind,
  CrosslistRequest,
  InventoryItem,
  MarkSoldRequest,
  PlatformListing,
  PlatformListingStatus,
  Rounding,
  TargetPreview,
} from "../api/inventory";
import type { Tone } from "./jobs";
import { accountPath } from "./paths";

/** Each status of a listing on a platform: its word and colour (a status the API adds fails typecheck until it has one). */
export const LISTING_STATUS = {
  queued: { label: "queued", tone: "gray", hint: "waiting to be published" },
  live: { label: "live", tone: "green", hint: "for sale on the platform" },
  sold: { label: "sold", tone: "blue", hint: "sold on this platform" },
  delisting: { label: "delisting", tone: "amber", hint: "being taken down" },
  delisted: { label: "delisted", tone: "gray", hint: "taken down" },
  failed: { label: "failed", tone: "red", hint: "the publish failed" },
} as const satisfies Record<PlatformListingStatus, { label: string; tone: Tone; hint: string }>;

export const LISTING_STATUSES = Object.keys(LISTING_STATUS) as PlatformListingStatus[];

export const CONFLICT = {
  delist_failed: { label: "delist failed", title: "Could not be taken down" },
  oversell: { label: "oversold", title: "Sold twice" },
} as const satisfies Record<ConflictKind, { label: string; title: string }>;

export interface ListingBadge {
  /** "Sandbox Bazaar · live" */
  text: string;
  tone: Tone;
  /** the account and what the status means, for a tooltip */
  title: string;
  /** a second, red badge when the listing needs a person */
  conflict: string | null;
}

/** The badge of one listing of an item: its platform, status colour and (in red) its conflict. */
export function listingBadge(listing: Pick<PlatformListing, "platform_title" | "account_label" | "status" | "conflict">): ListingBadge {
  // A status newer than this app reads as itself, in grey.
  const known: { label: string; tone: Tone; hint: string } | undefined = LISTING_STATUS[listing.status];
  const status = known ?? { label: String(listing.status), tone: "gray" as Tone, hint: "" };
  return {
    text: `${listing.platform_title} · ${status.label}`,
    tone: status.tone,
    title: `${listing.account_label}: ${status.hint || status.label}`,
    conflict: listing.conflict ? CONFLICT[listing.conflict].label : null,
  };
}

/** What a person has to do about a conflict, and where. */
export interface ConflictAdvice {
  title: string;
  reason: string;
  /** what to do, in a sentence */
  todo: string;
  /** the account's page when the account is what needs fixing */
  link: { to: string; label: string } | null;
  /** a delist can be tried again; an oversell cannot (it sold) */
  canRetry: boolean;
}

export function conflictAdvice(listing: Pick<PlatformListing, "conflict" | "conflict_reason" | "account_id" | "account_label" | "platform_title">): ConflictAdvice | null {
  if (!listing.conflict) return null;
  if (listing.conflict === "oversell") {
    return {
      title: CONFLICT.oversell.title,
      reason: listing.conflict_reason || `It sold on ${listing.platform_title} after it had sold elsewhere.`,
      todo: "Cancel one of the orders on the platform, then mark this resolved.",
      link: null,
      canRetry: false,
    };
  }
  return {
    title: CONFLICT.delist_failed.title,
    reason: listing.conflict_reason || `The listing on ${listing.platform_title} could not be taken down.`,
    todo: "It is still for sale there. Fix the account (or end the listing on the platform yourself), then retry or mark it resolved.",
    link: { to: accountPath(listing.account_id), label: `Open ${listing.account_label || "the account"}` },
    canRetry: true,
  };
}

/** A conflict's line in the "needs action" list: which item, where. */
export function conflictLine(c: Conflict): string {
  return `${c.item_title} — ${c.listing.platform_title} (${c.listing.account_label})`;
}

// ---- choosing accounts -------------------------------------------------------------------------

export interface PlatformGroup {
  platform: string;
  title: string;
  verified: boolean;
  accounts: Account[];
}

/** Accounts grouped by platform (platforms by title, accounts by name), for the crosslist dialog. */
export function groupAccounts(accounts: readonly Account[]): PlatformGroup[] {
  const groups = new Map<string, PlatformGroup>();
  for (const a of accounts) {
    const group = groups.get(a.platform) ?? { platform: a.platform, title: a.platform_title, verified: a.driver_verified, accounts: [] };
    group.accounts.push(a);
    groups.set(a.platform, group);
  }
  const name = (a: Account) => (a.label || a.login).toLowerCase();
  return [...groups.values()]
    .map((g) => ({ ...g, accounts: [...g.accounts].sort((x, y) => name(x).localeCompare(name(y))) }))
    .sort((x, y) => x.title.localeCompare(y.title));
}

export const accountName = (a: Pick<Account, "label" | "login">) => a.label || a.login;

/** Why an account cannot take a new listing now, or null when it can (only active accounts publish). */
export function accountBlocked(a: Pick<Account, "status">): string | null {
  if (a.status === "active") return null;
  return a.status.replace(/_/g, " ");
}

// ---- the preview and what may be sent ----------------------------------------------------------

/** Listings on an account that are not published again when crosslisting there. */
const STAYS: ReadonlySet<string> = new Set<PlatformListingStatus>(["queued", "live", "delisting", "sold"]);

export type TargetState =
  | { kind: "loading" }
  | { kind: "blocked"; problems: TargetPreview["problems"] }
  | { kind: "skipped"; reason: string }
  | { kind: "bad-price"; message: string }
  | { kind: "ready"; price: number | null };

/** A price as typed: null when left empty (the platform's price rule applies), else a number or an error. */
export function parsePrice(text: string): { price: number | null } | { error: string } {
  const trimmed = text.trim().replace(",", ".");
  if (trimmed === "") return { price: null };
  const n = Number(trimmed);
  if (!Number.isFinite(n)) return { error: "Enter a price, e.g. 12.50" };
  if (n <= 0 || n > 1_000_000) return { error: "More than 0 and at most 1,000,000" };
  return { price: Math.round(n * 100) / 100 };
}

/** One chosen account's state: loading, blocked by problems, skipped (already there), a bad price, or ready. */
export function targetState(target: TargetPreview | undefined, priceText: string): TargetState {
  if (!target) return { kind: "loading" };
  if (target.problems.length > 0) return { kind: "blocked", problems: target.problems };
  if (target.existing && STAYS.has(target.existing)) {
    return { kind: "skipped", reason: `Already ${LISTING_STATUS[target.existing].label} on this account; not published again.` };
  }
  const parsed = parsePrice(priceText);
  if ("error" in parsed) return { kind: "bad-price", message: parsed.error };
  return { kind: "ready", price: parsed.price };
}

export interface CrosslistCheck {
  ok: boolean;
  /** why the button is disabled (shown next to it) */
  reason: string | null;
  /** how many accounts get a publish */
  count: number;
}

/** The Crosslist button: enabled only when every chosen account is previewed, none has a problem, and one is left to publish. */
export function crosslistCheck(chosen: readonly string[], targets: readonly TargetPreview[], prices: Readonly<Record<string, string>>, itemSold = false): CrosslistCheck {
  if (itemSold) return { ok: false, reason: "The item is sold.", count: 0 };
  if (chosen.length === 0) return { ok: false, reason: "Choose at least one account.", count: 0 };
  const byId = new Map(targets.map((t) => [t.account_id, t]));
  const states = chosen.map((id) => targetState(byId.get(id), prices[id] ?? ""));
  if (states.some((s) => s.kind === "loading")) return { ok: false, reason: "Checking what each platform will receive…", count: 0 };
  const blocked = states.filter((s) => s.kind === "blocked").length;
  if (blocked) return { ok: false, reason: `${blocked} account${blocked === 1 ? " has" : "s have"} problems to fix first.`, count: 0 };
  if (states.some((s) => s.kind === "bad-price")) return { ok: false, reason: "Fix the price marked in red.", count: 0 };
  const count = states.filter((s) => s.kind === "ready").length;
  if (count === 0) return { ok: false, reason: "It is already listed on every chosen account.", count: 0 };
  return { ok: true, reason: null, count };
}

/**
 * The request: each ready account, with its price only where the seller typed one that differs
 * from the preview's (left out, the platform's price rule applies on the server).
 */
export function crosslistBody(chosen: readonly string[], targets: readonly TargetPreview[], prices: Readonly<Record<string, string>>): CrosslistRequest {
  const byId = new Map(targets.map((t) => [t.account_id, t]));
  const accounts: CrosslistRequest["accounts"] = [];
  for (const id of chosen) {
    const target = byId.get(id);
    const state = targetState(target, prices[id] ?? "");
    if (state.kind !== "ready") continue;
    const own = state.price !== null && state.price !== target?.fields.price;
    accounts.push(own ? { account_id: id, price: state.price } : { account_id: id });
  }
  return { accounts };
}

/** The mapped fields shown per account, in the order a seller reads them. */
export function mappedRows(target: TargetPreview): { label: string; value: string }[] {
  const f = target.fields;
  return [
    { label: "Title", value: f.title },
    { label: "Category", value: f.category ?? "—" },
    { label: "Condition", value: f.condition ?? "—" },
    { label: "Size", value: f.size ?? "—" },
    { label: "Brand", value: f.brand ?? "—" },
  ];
}

/** Seconds between two publishes on one account, as typed: a whole number from 0 to 3600, or why not. */
export function parseSpacing(text: string): { value: number } | { error: string } {
  const n = Number(text.trim());
  if (text.trim() === "" || !Number.isInteger(n)) return { error: "Whole seconds, e.g. 60" };
  if (n < 0 || n > 3600) return { error: "From 0 to 3600 seconds" };
  return { value: n };
}

// ---- price rules -------------------------------------------------------------------------------

export const ROUNDINGS = {
  none: "Exact (to the cent)",
  whole: "Whole amount",
  ends_99: "Ends in .99",
  ends_90: "Ends in .90",
} as const satisfies Record<Rounding, string>;

/** A markup as typed: a number from -50 to 200 (%), or why not. */
export function parseMarkup(text: string): { value: number } | { error: string } {
  const trimmed = text.trim().replace(",", ".").replace(/%$/, "");
  const n = Number(trimmed);
  if (trimmed === "" || !Number.isFinite(n)) return { error: "Enter a percentage, e.g. 10" };
  if (n < -50 || n > 200) return { error: "From -50 to 200 %" };
  return { value: n };
}

const roundHalfUp = (n: number) => Math.round(n + 1e-9);

/**
 * A price through a rule, as the server's `apply_price_rule` does (for the editor's example):
 * plus the markup, then rounded — whole, or the nearest price ending .99 / .90; never below 0.01.
 */
export function applyRule(price: number, rule: { markup_percent: number; rounding: Rounding }): number {
  const marked = (price * (100 + rule.markup_percent)) / 100;
  let rounded: number;
  if (rule.rounding === "whole") rounded = Math.max(roundHalfUp(marked), 1);
  else if (rule.rounding === "ends_99" || rule.rounding === "ends_90") {
    const ending = rule.rounding === "ends_99" ? 0.99 : 0.9;
    const r = roundHalfUp(marked + (1 - ending)) - (1 - ending);
    rounded = r > 0 ? r : ending;
  } else rounded = roundHalfUp(marked * 100) / 100;
  return Math.max(Math.round(rounded * 100) / 100, 0.01);
}

/** "+10 %, ends in .99" */
export function ruleText(rule: { markup_percent: number; rounding: Rounding }): string {
  const markup = rule.markup_percent === 0 ? "same price" : `${rule.markup_percent > 0 ? "+" : ""}${rule.markup_percent} %`;
  return rule.rounding === "none" ? markup : `${markup}, ${ROUNDINGS[rule.rounding].toLowerCase()}`;
}

// ---- selling -----------------------------------------------------------------------------------

export interface MarkSoldForm {
  listingId: string;
  price: string;
  buyer: string;
}

/** The mark-sold request from its form, or the field that is wrong. */
export function markSoldBody(form: MarkSoldForm): { body: MarkSoldRequest } | { field: "price" | "buyer"; error: string } {
  const text = form.price.trim().replace(",", ".");
  let price: number | null = null;
  if (text) {
    const n = Number(text);
    if (!Number.isFinite(n) || n < 0 || n > 1_000_000) return { field: "price", error: "A price from 0 to 1,000,000" };
    price = Math.round(n * 100) / 100;
  }
  const buyer = form.buyer.trim();
  if (buyer.length > 200) return { field: "buyer", error: "At most 200 characters" };
  return { body: { platform_listing_id: form.listingId || null, price, buyer: buyer || null } };
}

/** Listings a sale can have happened on (not ended ones). */
export const sellable = (item: InventoryItem) => item.listings.filter((l) => l.status === "live" || l.status === "queued" || l.status === "delisting");

/** Listings "Delist everywhere" takes down. */
export const delistable = (item: InventoryItem) => item.listings.filter((l) => l.status === "live" || l.status === "queued");

/** The notice when an item sells and its other listings come down: null while it is not sold. */
export function soldNotice(item: InventoryItem): string | null {
  if (item.status !== "sold") return null;
  const via = item.listings.find((l) => l.id === item.sold_via);
  const others = item.listings.filter((l) => l.id !== item.sold_via && (l.status === "delisting" || l.status === "live" || l.status === "queued")).length;
  const where = via ? ` on ${via.platform_title}` : "";
  if (others === 0) return `“${item.title}” sold${where}.`;
  return `“${item.title}” sold${where}: taking down its ${others} other listing${others === 1 ? "" : "s"}.`;
}

/** The toast when the number of conflicts grows (not on the first count the page reads). */
export function newConflictsNotice(before: number | null, now: number): string | null {
  if (before === null || now <= before) return null;
  const n = now - before;
  return `${n} listing${n === 1 ? " needs" : "s need"} your action: see Needs action in Inventory.`;
}

/** "2 live · 1 sold" — an item's listings in a few words. */
export function listingCounts(item: Pick<InventoryItem, "listings">): string {
  const counts = new Map<PlatformListingStatus, number>();
  for (const l of item.listings) counts.set(l.status, (counts.get(l.status) ?? 0) + 1);
  return LISTING_STATUSES.filter((s) => counts.has(s))
    .map((s) => `${counts.get(s)} ${LISTING_STATUS[s].label}`)
    .join(" · ");
}

/** An import job's result in words: "2 linked to drafts · 1 new draft · 1 skipped". */
export function importSummary(result: unknown): string | null {
  if (!result || typeof result !== "object") return null;
  const r = result as Record<string, unknown>;
  const n = (key: string) => (typeof r[key] === "number" ? (r[key] as number) : null);
  const linked = n("linked");
  const created = n("created");
  const skipped = n("skipped");
  if (linked === null && created === null && skipped === null) return null;
  const parts = [];
  if (linked !== null) parts.push(`${linked} linked to existing drafts`);
  if (created !== null) parts.push(`${created} new draft${created === 1 ? "" : "s"}`);
  if (skipped !== null) parts.push(`${skipped} skipped (already linked)`);
  return parts.join(" · ");
}

/** Job kinds whose events change the inventory (crosslist, publish, delist, import and the rest of listings.*). */
export const changesInventory = (kind: string) => kind.startsWith("listings.") || kind.startsWith("analytics.");

export function formatMoney(value: number | null | undefined, currency: string): string {
  return value === null || value === undefined ? "—" : `${value.toFixed(2)} ${currency}`;
}
