/**
 * Form logic of the Automation page, kept pure so it can be tested: each kind's
 * parameters, checks that mirror the API's (the server checks again), the
 * body to create a rule or the PATCH with only what changed, and field errors read
 * from an API error. Errors are keyed by the API's path of the field
 * ("interval_minutes", "params.floor", "params.floors.<listing id>").
 */
import { apiFieldErrors, nearestField } from "./fieldErrors";
import type { Rule, RuleIn, RuleKind, RuleUpdate } from "../api/automation";

export type FollowSource = "followers_of" | "likers_of_my_items" | "feed_search";
export const FOLLOW_SOURCES: { value: FollowSource; label: string }[] = [
  { value: "followers_of", label: "Followers of a user" },
  { value: "likers_of_my_items", label: "Users who liked my items" },
  { value: "feed_search", label: "Sellers found by a feed search" },
];

export interface RuleForm {
  accountId: string;
  name: string;
  kind: RuleKind;
  intervalMinutes: string;
  /** a `datetime-local` value (the browser's time), "" for none */
  startsAt: string;
  activeFrom: string;
  activeTo: string;
  /** "" = the account's time zone (its browser profile's, else UTC) */
  timezone: string;
  dailyCap: string;
  enabled: boolean;
  // --- parameters (only the kind's own are sent) ---
  listingIds: string[];
  bumpMode: "listings" | "oldest";
  oldest: string;
  olderThanDays: string;
  maxItems: string;
  source: FollowSource;
  username: string;
  query: string;
  maxPerRun: string;
  followedMoreThanDays: string;
  templateId: string;
  discountPercent: string;
  delayMin: string;
  delayMax: string;
  dropMode: "percent" | "amount";
  percent: string;
  amount: string;
  everyDays: string;
  floor: string;
  /** per-listing floors by listing id ("" = none) */
  floors: Record<string, string>;
}

export const emptyRuleForm = (accountId = "", kind: RuleKind = "bump"): RuleForm => ({
  accountId,
  name: "",
  kind,
  intervalMinutes: "60",
  startsAt: "",
  activeFrom: "00:00",
  activeTo: "24:00",
  timezone: "",
  dailyCap: "50",
  enabled: true,
  listingIds: [],
  bumpMode: "listings",
  oldest: "5",
  olderThanDays: "30",
  maxItems: "10",
  source: "followers_of",
  username: "",
  query: "",
  maxPerRun: "20",
  followedMoreThanDays: "7",
  templateId: "",
  discountPercent: "",
  delayMin: "60",
  delayMax: "600",
  dropMode: "percent",
  percent: "5",
  amount: "",
  everyDays: "7",
  floor: "",
  floors: {},
});

const str = (value: unknown, fallback = ""): string => (value === undefined || value === null ? fallback : String(value));

/** A `datetime-local` value for an ISO time, in the browser's time zone. */
export function localInput(iso: string | null | undefined): string {
  if (!iso) return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** The form for an existing rule. */
export function ruleForm(rule: Rule): RuleForm {
  const p = rule.params ?? {};
  const base = emptyRuleForm(rule.account_id, rule.kind as RuleKind);
  const ids = Array.isArray(p.listing_ids) ? p.listing_ids.map(String) : [];
  const floors: Record<string, string> = {};
  if (p.floors && typeof p.floors === "object") for (const [id, v] of Object.entries(p.floors as Record<string, unknown>)) floors[id] = str(v);
  return {
    ...base,
    name: rule.name,
    intervalMinutes: String(rule.interval_minutes),
    startsAt: localInput(rule.starts_at),
    activeFrom: rule.active_from,
    activeTo: rule.active_to,
    timezone: rule.timezone,
    dailyCap: String(rule.daily_cap),
    enabled: rule.status !== "paused",
    listingIds: ids,
    bumpMode: rule.kind === "bump" && p.oldest !== undefined && p.oldest !== null ? "oldest" : "listings",
    oldest: str(p.oldest, base.oldest),
    olderThanDays: str(p.older_than_days, base.olderThanDays),
    maxItems: str(p.max_items, base.maxItems),
    source: (p.source as FollowSource | undefined) ?? base.source,
    username: str(p.username),
    query: str(p.query),
    maxPerRun: str(p.max_per_run, base.maxPerRun),
    followedMoreThanDays: str(p.followed_more_than_days, base.followedMoreThanDays),
    templateId: str(p.template_id),
    discountPercent: str(p.discount_percent),
    delayMin: str(p.delay_min_seconds, base.delayMin),
    delayMax: str(p.delay_max_seconds, base.delayMax),
    dropMode: p.amount !== undefined && p.amount !== null ? "amount" : "percent",
    percent: str(p.percent, p.amount !== undefined && p.amount !== null ? "" : base.percent),
    amount: str(p.amount),
    everyDays: str(p.every_days, base.everyDays),
    floor: str(p.floor),
    floors,
  };
}

// --- checks ------------------------------------------------------------------------

export type RuleErrors = Record<string, string>;

export const HHMM = /^(?:[01]\d|2[0-3]):[0-5]\d$/;

/** A whole number within [min, max] typed in a box, or null. */
export function whole(value: string, min: number, max: number): number | null {
  if (!/^\s*\d+\s*$/.test(value)) return null;
  const n = Number(value);
  return n >= min && n <= max ? n : null;
}

function decimal(value: string): number | null {
  const text = value.trim().replace(",", ".");
  if (!/^\d+(?:\.\d{1,2})?$/.test(text)) return null;
  return Number(text);
}

export const wholeMsg = (min: number, max: number) => `A whole number from ${min.toLocaleString("en-US")} to ${max.toLocaleString("en-US")}`;

/** Facts the form cannot know by itself: listing prices and titles (for floors). */
export interface RuleContext {
  listings?: Record<string, { title: string; price: number }>;
}

/** The kind's parameters from the form, or errors keyed "params.<field>". */
export function ruleParams(form: RuleForm, context: RuleContext = {}): { params: Record<string, unknown>; errors: RuleErrors } {
  const errors: RuleErrors = {};
  const params: Record<string, unknown> = {};
  const need = (key: string, value: string, min: number, max: number): number | null => {
    const n = whole(value, min, max);
    if (n === null) errors[`params.${key}`] = wholeMsg(min, max);
    return n;
  };
  const listings = (what: string) => {
    if (form.listingIds.length === 0) errors["params.listing_ids"] = `Choose at least one ${what}`;
    params.listing_ids = [...form.listingIds];
  };
  const maxPerRun = () => {
    params.max_per_run = need("max_per_run", form.maxPerRun, 1, 500);
  };
  const delays = () => {
    const lo = need("delay_min_seconds", form.delayMin, 0, 604_800);
    const hi = need("delay_max_seconds", form.delayMax, 0, 604_800);
    if (lo !== null && hi !== null && hi < lo) errors["params.delay_max_seconds"] = "Must be at least the shortest delay";
    params.delay_min_seconds = lo;
    params.delay_max_seconds = hi;
  };
  const template = () => {
    if (!form.templateId) errors["params.template_id"] = "Choose a message template";
    params.template_id = form.templateId;
  };
  switch (form.kind) {
    case "bump":
      if (form.bumpMode === "oldest") params.oldest = need("oldest", form.oldest, 1, 500);
      else listings("listing to bump");
      break;
    case "relist":
      params.older_than_days = need("older_than_days", form.olderThanDays, 1, 3650);
      params.max_items = need("max_items", form.maxItems, 1, 500);
      break;
    case "follow":
      params.source = form.source;
      if (form.source === "followers_of") {
        const username = form.username.trim().replace(/^@/, "");
        if (!username) errors["params.username"] = "Whose followers? Enter a username";
        params.username = username;
      } else if (form.source === "feed_search") {
        const query = form.query.trim();
        if (!query) errors["params.query"] = "Enter what to search the feed for";
        params.query = query;
      }
      maxPerRun();
      break;
    case "unfollow_nonfollowers":
      params.followed_more_than_days = need("followed_more_than_days", form.followedMoreThanDays, 0, 3650);
      maxPerRun();
      break;
    case "message_likers":
      template();
      if (form.discountPercent.trim()) {
        const pct = decimal(form.discountPercent);
        if (pct === null || pct <= 0 || pct >= 100) errors["params.discount_percent"] = "A percentage above 0 and below 100";
        else params.discount_percent = pct;
      }
      delays();
      maxPerRun();
      break;
    case "message_new_followers":
      template();
      delays();
      maxPerRun();
      break;
    case "price_drop": {
      listings("listing");
      if (form.dropMode === "percent") {
        const pct = decimal(form.percent);
        if (pct === null || pct <= 0 || pct >= 100) errors["params.percent"] = "A percentage above 0 and below 100";
        else params.percent = pct;
      } else {
        const amount = decimal(form.amount);
        if (amount === null || amount <= 0) errors["params.amount"] = "An amount above 0, like 2 or 2.50";
        else params.amount = amount;
      }
      params.every_days = need("every_days", form.everyDays, 1, 365);
      const known = context.listings ?? {};
      if (form.floor.trim()) {
        const floor = decimal(form.floor);
        if (floor === null) errors["params.floor"] = "An amount, like 10 or 9.50";
        else {
          params.floor = floor;
          const above = form.listingIds.map((id) => known[id]).find((l) => l && floor > l.price);
          if (above) errors["params.floor"] = `Above the current price of “${above.title}” (${above.price})`;
        }
      }
      const floors: Record<string, number> = {};
      for (const id of form.listingIds) {
        const text = (form.floors[id] ?? "").trim();
        if (!text) continue;
        const floor = decimal(text);
        const listing = known[id];
        if (floor === null) errors[`params.floors.${id}`] = "An amount, like 10 or 9.50";
        else if (listing && floor > listing.price) errors[`params.floors.${id}`] = `Above the current price (${listing.price})`;
        else floors[id] = floor;
      }
      if (Object.keys(floors).length) params.floors = floors;
      break;
    }
    case "scheduled_publish":
      listings("draft to publish");
      break;
    case "inbox_sync":
      break;
  }
  return { params, errors };
}

/** A whole rule from the form (the API's RuleIn), or the errors to show. */
export function ruleValues(form: RuleForm, context: RuleContext = {}): { body: RuleIn; errors: RuleErrors } {
  const { params, errors } = ruleParams(form, context);
  const name = form.name.trim();
  if (!form.accountId) errors.account_id = "Choose the account the rule acts as";
  if (!name) errors.name = "A name is required";
  else if (name.length > 100) errors.name = "At most 100 characters";
  const interval = whole(form.intervalMinutes, 5, 44_640);
  if (interval === null) errors.interval_minutes = "A whole number of minutes, at least 5 and at most 44,640 (31 days)";
  if (!HHMM.test(form.activeFrom)) errors.active_from = "A time like 08:00";
  if (!HHMM.test(form.activeTo) && form.activeTo !== "24:00") errors.active_to = "A time like 22:00 (24:00 for the end of the day)";
  else if (form.activeTo === form.activeFrom) errors.active_to = "The active hours cannot start and end at the same time";
  const cap = whole(form.dailyCap, 1, 10_000);
  if (cap === null) errors.daily_cap = wholeMsg(1, 10_000);
  let startsAt: string | null = null;
  if (form.startsAt) {
    const d = new Date(form.startsAt);
    if (Number.isNaN(d.getTime())) errors.starts_at = "A date and time";
    else startsAt = d.toISOString();
  } else if (form.kind === "scheduled_publish") {
    errors.starts_at = "When should the first draft go out?";
  }
  const timezone = form.timezone.trim();
  if (timezone.length > 64) errors.timezone = "At most 64 characters";
  const body: RuleIn = {
    account_id: form.accountId,
    name,
    kind: form.kind,
    params,
    interval_minutes: interval ?? 0,
    active_from: form.activeFrom,
    active_to: form.activeTo,
    daily_cap: cap ?? 0,
    enabled: form.enabled,
    ...(startsAt ? { starts_at: startsAt } : {}),
    ...(timezone ? { timezone } : {}),
  };
  return { body, errors };
}

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** The PATCH body for a rule: only what changed (kind and account are fixed), or the errors to show. */
export function rulePatch(rule: Rule, form: RuleForm, context: RuleContext = {}): { body: RuleUpdate; errors: RuleErrors } {
  const { body: whole, errors } = ruleValues({ ...form, kind: rule.kind as RuleKind, accountId: rule.account_id }, context);
  const body: RuleUpdate = {};
  if (whole.name !== rule.name) body.name = whole.name;
  if (!sameJson(whole.params, rule.params)) body.params = whole.params;
  if (whole.interval_minutes !== rule.interval_minutes) body.interval_minutes = whole.interval_minutes;
  if (whole.active_from !== rule.active_from) body.active_from = whole.active_from;
  if (whole.active_to !== rule.active_to) body.active_to = whole.active_to;
  if (whole.daily_cap !== rule.daily_cap) body.daily_cap = whole.daily_cap;
  if (whole.timezone && whole.timezone !== rule.timezone) body.timezone = whole.timezone;
  if (form.startsAt !== localInput(rule.starts_at)) body.starts_at = whole.starts_at ?? null;
  return { body, errors };
}

// --- errors from the API -------------------------------------------------------------

/** The form's fields, by the API's path: a server error naming a deeper path lands on the nearest. */
export const RULE_FIELDS = [
  "account_id",
  "name",
  "kind",
  "interval_minutes",
  "starts_at",
  "active_from",
  "active_to",
  "timezone",
  "daily_cap",
  "params",
  "params.listing_ids",
  "params.oldest",
  "params.older_than_days",
  "params.max_items",
  "params.source",
  "params.username",
  "params.query",
  "params.max_per_run",
  "params.followed_more_than_days",
  "params.template_id",
  "params.discount_percent",
  "params.delay_min_seconds",
  "params.delay_max_seconds",
  "params.percent",
  "params.amount",
  "params.every_days",
  "params.floor",
  "params.floors",
] as const;

const nearest = nearestField(RULE_FIELDS);

/** "params.floors.<id>" stays itself (each listing's floor has its box); "params.listing_ids[2]" → "params.listing_ids". */
function fieldOf(path: string): string | null {
  const clean = path.replace(/\[(\d+)\]/g, ".$1");
  if (/^params\.floors\.[^.]+$/.test(clean)) return clean;
  return nearest(clean);
}

/**
 * Messages per field from an API error: a schema error lists its problems in `extra`
 * (`{key: "interval_minutes", label, message}`); a rule broken names the field's path at
 * the start of `detail` (`params.floors.<id>: above the listing's price 20.00`). What
 * names no field of the form is returned as `other` (for a toast).
 */
export function ruleFieldErrors(error: unknown): { fields: RuleErrors; other: string | null } {
  return apiFieldErrors(error, fieldOf);
}
