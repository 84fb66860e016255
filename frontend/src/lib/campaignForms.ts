/**
 * Form logic of the campaign builder, kept pure so it can be tested: the brief, the post
 * briefs to generate, targeting and strategy, the schedule. Checks mirror the API's schemas
 * (the server checks again); errors are keyed by the API's path of the field
 * ("schedule.active_to", "posts.2.topic") so the server's errors land on the same boxes.
 */
import type { Campaign, CampaignIn, CampaignUpdate, GenerateIn, PostBrief, Schedule, Strategy, Targeting } from "../api/campaigns";
import { apiFieldErrors, nearestField } from "./fieldErrors";
import { HHMM, localInput, whole, wholeMsg } from "./automationForms";

export type FormErrors = Record<string, string>;

const SINGLE_LINE = /^[^\r\n]*$/;

function text(errors: FormErrors, key: string, value: string, max: number, { required = false, singleLine = true } = {}): string {
  const v = value.trim();
  if (required && !v) errors[key] = "Required";
  else if (v.length > max) errors[key] = `At most ${max.toLocaleString("en-US")} characters`;
  else if (singleLine && !SINGLE_LINE.test(v)) errors[key] = "One line only";
  return v;
}

// --- step 1: the brief ----------------------------------------------------------------

export interface BriefForm {
  name: string;
  description: string;
  brandName: string;
  targetAudience: string;
  tone: string;
}

export const emptyBrief = (): BriefForm => ({ name: "", description: "", brandName: "", targetAudience: "", tone: "" });

export const briefForm = (c: Campaign): BriefForm => ({
  name: c.name,
  description: c.description,
  brandName: c.brand_name,
  targetAudience: c.target_audience,
  tone: c.tone,
});

export function briefValues(form: BriefForm): { body: CampaignIn; errors: FormErrors } {
  const errors: FormErrors = {};
  const body: CampaignIn = {
    name: text(errors, "name", form.name, 100, { required: true }),
    description: text(errors, "description", form.description, 4000, { singleLine: false }),
    brand_name: text(errors, "brand_name", form.brandName, 100),
    target_audience: text(errors, "target_audience", form.targetAudience, 300),
    tone: text(errors, "tone", form.tone, 100),
    // The API's default, stated because the generated type lists defaulted fields as required.
    strategy: "round_robin",
  };
  return { body, errors };
}

/** Only what changed, for PATCH (an empty body means nothing to save). */
export function briefPatch(c: Campaign, form: BriefForm): { body: CampaignUpdate; errors: FormErrors } {
  const { body: whole, errors } = briefValues(form);
  const body: CampaignUpdate = {};
  if (whole.name !== c.name) body.name = whole.name;
  if (whole.description !== c.description) body.description = whole.description;
  if (whole.brand_name !== c.brand_name) body.brand_name = whole.brand_name;
  if (whole.target_audience !== c.target_audience) body.target_audience = whole.target_audience;
  if (whole.tone !== c.tone) body.tone = whole.tone;
  return { body, errors };
}

// --- step 2: what to generate ---------------------------------------------------------

export interface BriefRow {
  /** stable React key */
  key: string;
  topic: string;
  brief: string;
  tone: string;
  audience: string;
  withImage: boolean;
}

let rowCounter = 0;
export const emptyRow = (withImage = false): BriefRow => ({ key: `row${++rowCounter}`, topic: "", brief: "", tone: "", audience: "", withImage });

const rowIsBlank = (r: BriefRow) => !r.topic.trim() && !r.brief.trim() && !r.tone.trim() && !r.audience.trim();

export interface GenerateForm {
  mode: "rows" | "count";
  rows: BriefRow[];
  count: string;
  /** with `count`: each post gets a generated image */
  withImage: boolean;
}

export const MAX_GENERATE = 200;

/**
 * The body of POST /campaigns/{id}/generate: one brief per row (blank rows left out), or
 * `count` posts from the campaign's brief. Row errors are keyed by the row's index in the
 * form ("posts.<i>.topic"), which is also its index in the body when no row is blank.
 */
export function generateBody(form: GenerateForm): { body: GenerateIn; errors: FormErrors } {
  const errors: FormErrors = {};
  if (form.mode === "count") {
    const count = whole(form.count, 1, MAX_GENERATE);
    if (count === null) errors.count = wholeMsg(1, MAX_GENERATE);
    return { body: { count: count ?? 0, with_image: form.withImage }, errors };
  }
  const posts: PostBrief[] = [];
  form.rows.forEach((row, i) => {
    if (rowIsBlank(row)) return;
    if (!row.topic.trim() && !row.brief.trim()) errors[`posts.${i}.topic`] = "Say what the post is about (a topic or a brief)";
    const brief: PostBrief = {
      topic: text(errors, `posts.${i}.topic`, row.topic, 200),
      brief: text(errors, `posts.${i}.brief`, row.brief, 4000, { singleLine: false }),
      tone: text(errors, `posts.${i}.tone`, row.tone, 100),
      audience: text(errors, `posts.${i}.audience`, row.audience, 300),
      with_image: row.withImage,
    };
    posts.push(brief);
  });
  if (posts.length === 0) errors.posts = "Write at least one post brief (a topic or a brief), or ask for a number of posts";
  else if (posts.length > MAX_GENERATE) errors.posts = `At most ${MAX_GENERATE} posts at once`;
  // `with_image` is per post here; the top-level one only applies with `count`.
  return { body: { posts, with_image: false }, errors };
}

/**
 * Which form row a body index points at (blank rows are not sent, so the server's
 * `posts[3]` may be the form's fifth row).
 */
export function rowIndexOfBodyIndex(rows: BriefRow[], bodyIndex: number): number {
  let seen = -1;
  for (let i = 0; i < rows.length; i++) {
    if (rowIsBlank(rows[i]!)) continue;
    seen += 1;
    if (seen === bodyIndex) return i;
  }
  return -1;
}

// --- step 4: accounts -----------------------------------------------------------------

export interface TargetingForm {
  platforms: string[];
  statuses: string[];
  /** comma separated */
  tags: string;
  proxyId: string;
  profileId: string;
  strategy: Strategy;
}

export const STRATEGIES: { value: Strategy; label: string; explain: string }[] = [
  { value: "round_robin", label: "Round robin", explain: "Accounts take turns in order, so each posts the same number (±1)." },
  { value: "random", label: "Random", explain: "Each post goes to an account drawn at random; the seed is recorded so it can be replayed." },
  { value: "least_used", label: "Least used", explain: "Each post goes to the account with the fewest posts in the last 24 hours." },
];

export const targetingForm = (c: Campaign): TargetingForm => ({
  platforms: c.targeting.platforms ?? [],
  statuses: c.targeting.statuses ?? [],
  tags: (c.targeting.tags ?? []).join(", "),
  proxyId: c.targeting.proxy_id ?? "",
  profileId: c.targeting.profile_id ?? "",
  strategy: c.strategy,
});

export function parseTags(value: string): string[] {
  const seen = new Set<string>();
  for (const part of value.split(",")) {
    const tag = part.trim();
    if (tag) seen.add(tag);
  }
  return [...seen];
}

export function targetingValues(form: TargetingForm): { body: { targeting: Targeting; strategy: Strategy }; errors: FormErrors } {
  const errors: FormErrors = {};
  const tags = parseTags(form.tags);
  if (tags.length > 20) errors["targeting.tags"] = "At most 20 tags";
  else if (tags.some((t) => t.length > 32)) errors["targeting.tags"] = "A tag has at most 32 characters";
  const targeting: Targeting = { platforms: form.platforms, statuses: form.statuses, tags, proxy_id: form.proxyId || null, profile_id: form.profileId || null };
  return { body: { targeting, strategy: form.strategy }, errors };
}

// --- step 5: schedule -----------------------------------------------------------------

export interface ScheduleForm {
  /** `datetime-local` (the browser's time); "" = when the campaign starts */
  startsAt: string;
  activeFrom: string;
  activeTo: string;
  timezone: string;
  spacingMinutes: string;
  postsPerAccountPerDay: string;
}

export const scheduleForm = (s: Schedule): ScheduleForm => ({
  startsAt: localInput(s.starts_at),
  activeFrom: s.active_from ?? "00:00",
  activeTo: s.active_to ?? "24:00",
  timezone: s.timezone ?? "UTC",
  spacingMinutes: String(s.spacing_minutes ?? 60),
  postsPerAccountPerDay: String(s.posts_per_account_per_day ?? 3),
});

const minutesOf = (hhmm: string) => (hhmm === "24:00" ? 1440 : Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5)));

export function scheduleValues(form: ScheduleForm): { body: Schedule; errors: FormErrors } {
  const errors: FormErrors = {};
  let startsAt: string | null = null;
  if (form.startsAt) {
    const d = new Date(form.startsAt);
    if (Number.isNaN(d.getTime())) errors["schedule.starts_at"] = "A date and time";
    else startsAt = d.toISOString();
  }
  const fromOk = HHMM.test(form.activeFrom);
  const toOk = HHMM.test(form.activeTo) || form.activeTo === "24:00";
  if (!fromOk) errors["schedule.active_from"] = "A time like 08:00";
  if (!toOk) errors["schedule.active_to"] = "A time like 22:00 (24:00 for the end of the day)";
  else if (fromOk && minutesOf(form.activeTo) <= minutesOf(form.activeFrom)) errors["schedule.active_to"] = "Must be after the start of the active hours";
  const timezone = form.timezone.trim();
  if (!timezone) errors["schedule.timezone"] = "Required, like Europe/Paris or UTC";
  else if (timezone.length > 64) errors["schedule.timezone"] = "At most 64 characters";
  const spacing = whole(form.spacingMinutes, 1, 7 * 24 * 60);
  if (spacing === null) errors["schedule.spacing_minutes"] = wholeMsg(1, 7 * 24 * 60);
  const perDay = whole(form.postsPerAccountPerDay, 1, 100);
  if (perDay === null) errors["schedule.posts_per_account_per_day"] = wholeMsg(1, 100);
  return {
    body: {
      starts_at: startsAt,
      active_from: form.activeFrom,
      active_to: form.activeTo,
      timezone,
      spacing_minutes: spacing ?? 60,
      posts_per_account_per_day: perDay ?? 3,
    },
    errors,
  };
}

// --- errors from the API --------------------------------------------------------------

export const CAMPAIGN_FIELDS = [
  "name",
  "description",
  "brand_name",
  "target_audience",
  "tone",
  "targeting",
  "targeting.platforms",
  "targeting.statuses",
  "targeting.tags",
  "targeting.proxy_id",
  "targeting.profile_id",
  "strategy",
  "schedule",
  "schedule.starts_at",
  "schedule.active_from",
  "schedule.active_to",
  "schedule.timezone",
  "schedule.spacing_minutes",
  "schedule.posts_per_account_per_day",
  "posts",
  "count",
  "caption",
  "media_ids",
] as const;

const campaignField = nearestField(CAMPAIGN_FIELDS);

/**
 * Field errors of the builder from an API error. `posts[i].field` lands on the form row
 * that was sent as body index i; the rest on the nearest known field.
 */
export function campaignFieldErrors(error: unknown, rows: BriefRow[] = []): { fields: FormErrors; other: string | null } {
  return apiFieldErrors(error, (path) => {
    const clean = path.replace(/\[(\d+)\]/g, ".$1");
    const row = /^posts\.(\d+)(?:\.(topic|brief|tone|audience))?/.exec(clean);
    if (row) {
      const index = rowIndexOfBodyIndex(rows, Number(row[1]));
      if (index >= 0) return `posts.${index}.${row[2] ?? "topic"}`;
    }
    return campaignField(clean);
  });
}

/** The errors that belong to one step's fields (keys under any of the prefixes). */
export function errorsFor(errors: FormErrors, prefixes: readonly string[]): FormErrors {
  return Object.fromEntries(Object.entries(errors).filter(([k]) => prefixes.some((p) => k === p || k.startsWith(`${p}.`))));
}
