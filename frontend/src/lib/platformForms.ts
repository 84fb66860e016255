/**
 * Form logic of the accounts and browser-profile pages, kept pure so it can be
 * tested: checks that mirror the API's schemas (the server checks again), PATCH
 * bodies with only the fields that changed, and field errors read from an API
 * error's `detail`.
 */
import { ApiError } from "../api/client";
import type { Account, AccountUpdate, Profile, ProfileCreate, ProfileUpdate } from "../api/platforms";

// --- field errors from the API -----------------------------------------------------

/** One validation problem as the API lists it in `extra`: the field's path, its label and what is wrong. */
interface Problem {
  key: string;
  label?: string;
  message: string;
}

function problems(extra: unknown): Problem[] {
  if (!Array.isArray(extra)) return [];
  return extra.filter((item): item is Problem => !!item && typeof item === "object" && typeof item.key === "string" && typeof item.message === "string");
}

const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/**
 * Messages per field from an API error. A schema error lists its problems in `extra`
 * (`{key: "daily_action_cap", label: "Daily action cap", message: "must be at least 1"}`);
 * a rule broken names the field at the start of `detail`: `cookies[0].domain: required …`,
 * `proxy_id: proxy … not found`. Parts naming none of `fields` are left for a toast (`other`).
 */
export function fieldErrors<F extends string>(error: unknown, fields: readonly F[]): { fields: Partial<Record<F, string>>; other: string | null } {
  const found: Partial<Record<F, string>> = {};
  if (!(error instanceof ApiError) || (error.status !== 400 && error.status !== 404)) return { fields: found, other: null };
  const listed = problems(error.extra);
  if (listed.length) {
    const rest: string[] = [];
    for (const problem of listed) {
      const match = /^([A-Za-z_]+)(.*)$/s.exec(problem.key);
      const field = match?.[1] as F | undefined;
      if (match && field && fields.includes(field) && !found[field]) {
        found[field] = match[2] && problem.label ? `${problem.label}: ${problem.message}` : capitalize(problem.message);
      } else {
        rest.push(problem.label ? `${problem.label}: ${problem.message}` : problem.message);
      }
    }
    const anything = Object.keys(found).length > 0;
    return { fields: found, other: anything ? (rest.length ? rest.join("; ") : null) : error.detail };
  }
  const rest: string[] = [];
  for (const part of error.detail.split(/;\s+/)) {
    const match = /^([A-Za-z_]+)((?:\[\d+\])?(?:\.[A-Za-z_]+)*)\s*:\s*(.+)$/s.exec(part.trim());
    const field = match?.[1] as F | undefined;
    if (match && field && fields.includes(field) && !found[field]) {
      found[field] = match[2] ? `${field}${match[2]}: ${match[3]}` : match[3]!;
    } else {
      rest.push(part);
    }
  }
  const anything = Object.keys(found).length > 0;
  return { fields: found, other: anything ? (rest.length ? rest.join("; ") : null) : error.detail };
}

// --- cookies ------------------------------------------------------------------------

/**
 * Cookies pasted as JSON: an array of cookie objects (Cookie-Editor, EditThisCookie,
 * Playwright's `context.cookies()`) or a Playwright storage state (`{"cookies": [...]}`).
 * Each needs a name and a domain; the server checks the rest.
 */
export function parseCookies(text: string): { cookies: Record<string, unknown>[] } | { error: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { error: "Not valid JSON: paste the cookies exactly as the browser extension exported them" };
  }
  if (parsed && typeof parsed === "object" && !Array.isArray(parsed) && Array.isArray((parsed as { cookies?: unknown }).cookies)) {
    parsed = (parsed as { cookies: unknown[] }).cookies;
  }
  if (!Array.isArray(parsed)) return { error: "Expected a JSON array of cookies, like [{\"name\": …, \"value\": …, \"domain\": …}]" };
  if (parsed.length === 0) return { error: "The list of cookies is empty" };
  if (parsed.length > 1000) return { error: "At most 1000 cookies" };
  for (const [index, cookie] of parsed.entries()) {
    const n = index + 1;
    if (!cookie || typeof cookie !== "object" || Array.isArray(cookie)) return { error: `Cookie ${n} is not an object` };
    const c = cookie as Record<string, unknown>;
    if (typeof c.name !== "string" || !c.name.trim()) return { error: `Cookie ${n} has no name` };
    if (typeof c.domain !== "string" || !c.domain.trim()) return { error: `Cookie ${n} (${c.name}) has no domain` };
  }
  return { cookies: parsed as Record<string, unknown>[] };
}

// --- accounts -----------------------------------------------------------------------

export interface AccountForm {
  label: string;
  /** new password; empty = unchanged */
  password: string;
  clearPassword: boolean;
  /** pasted cookie JSON; empty = unchanged */
  cookies: string;
  clearCookies: boolean;
  /** proxy id, or "" for none */
  proxyId: string;
  /** profile id, or "" for none */
  profileId: string;
  dailyActionCap: string;
  /** "active" / "inactive", or "" to leave a status set by automation as it is */
  status: "" | "active" | "inactive";
  /** comma-separated tags */
  tags: string;
}

export type AccountField = keyof AccountUpdate;
export const ACCOUNT_FIELDS: readonly AccountField[] = ["label", "password", "cookies", "proxy_id", "profile_id", "daily_action_cap", "status", "tags"];

export const TAGS_MAX = 20;
export const TAG_MAX_CHARS = 32;

/**
 * Tags typed as "Fashion, EU, spring drop": trimmed, lower-case, without duplicates,
 * as the API stores them (it checks again). Empty pieces ("a,,b") are skipped.
 */
export function parseTags(text: string): { tags: string[] } | { error: string } {
  const tags: string[] = [];
  for (const piece of text.split(",")) {
    const tag = piece.split(/\s+/).filter(Boolean).join(" ").toLowerCase();
    if (!tag) continue;
    if (tag.length > TAG_MAX_CHARS) return { error: `“${tag.slice(0, 40)}” is longer than ${TAG_MAX_CHARS} characters` };
    if (/[;|]/.test(tag)) return { error: `“${tag}”: a tag cannot contain ; or |` };
    if (!tags.includes(tag)) tags.push(tag);
  }
  if (tags.length > TAGS_MAX) return { error: `At most ${TAGS_MAX} tags (${tags.length} given)` };
  return { tags };
}

export function accountForm(account: Account): AccountForm {
  return {
    label: account.label,
    password: "",
    clearPassword: false,
    cookies: "",
    clearCookies: false,
    proxyId: account.proxy_id ?? "",
    profileId: account.profile_id ?? "",
    dailyActionCap: String(account.daily_action_cap),
    status: account.status === "active" || account.status === "inactive" ? account.status : "",
    tags: account.tags.join(", "),
  };
}

const SINGLE_LINE = /^[^\r\n]*$/;

/**
 * The PATCH body for an account: only the fields that changed (the API keeps what
 * is not sent, and `null` clears password, cookies, proxy or profile), or the
 * errors to show. An empty body means nothing to save.
 */
export function accountPatch(account: Account, form: AccountForm): { body: AccountUpdate; errors: Partial<Record<AccountField, string>> } {
  const body: AccountUpdate = {};
  const errors: Partial<Record<AccountField, string>> = {};

  const label = form.label.trim();
  if (label.length > 100) errors.label = "At most 100 characters";
  else if (!SINGLE_LINE.test(label)) errors.label = "One line only";
  else if (label !== account.label) body.label = label;

  if (form.clearPassword) {
    if (account.has_password) body.password = null;
  } else if (form.password) {
    if (form.password.length > 1000) errors.password = "At most 1000 characters";
    else if (!SINGLE_LINE.test(form.password)) errors.password = "One line only";
    else body.password = form.password;
  }

  if (form.clearCookies) {
    if (account.has_cookies) body.cookies = null;
  } else if (form.cookies.trim()) {
    const parsed = parseCookies(form.cookies.trim());
    if ("error" in parsed) errors.cookies = parsed.error;
    else body.cookies = parsed.cookies;
  }

  const proxy = form.proxyId || null;
  if (proxy !== (account.proxy_id ?? null)) body.proxy_id = proxy;
  const profile = form.profileId || null;
  if (profile !== (account.profile_id ?? null)) body.profile_id = profile;

  const cap = Number(form.dailyActionCap);
  if (!/^\s*\d+\s*$/.test(form.dailyActionCap) || !Number.isInteger(cap) || cap < 1 || cap > 100_000) {
    errors.daily_action_cap = "A whole number from 1 to 100,000";
  } else if (cap !== account.daily_action_cap) {
    body.daily_action_cap = cap;
  }

  if (form.status && form.status !== account.status) body.status = form.status;

  const tags = parseTags(form.tags);
  if ("error" in tags) errors.tags = tags.error;
  else if (tags.tags.join("\n") !== account.tags.join("\n")) body.tags = tags.tags;

  return { body, errors };
}

// --- browser profiles --------------------------------------------------------------

export interface ProfileForm {
  name: string;
  userAgent: string;
  viewportWidth: string;
  viewportHeight: string;
  locale: string;
  timezone: string;
  isMobile: boolean;
}

export type ProfileField = keyof ProfileCreate;
export const PROFILE_FIELDS: readonly ProfileField[] = ["name", "user_agent", "viewport_width", "viewport_height", "locale", "timezone", "is_mobile"];

export const EMPTY_PROFILE: ProfileForm = {
  name: "",
  userAgent: "",
  viewportWidth: "1366",
  viewportHeight: "768",
  locale: "en-US",
  timezone: "UTC",
  isMobile: false,
};

export function profileForm(profile: Profile): ProfileForm {
  return {
    name: profile.name,
    userAgent: profile.user_agent,
    viewportWidth: String(profile.viewport_width),
    viewportHeight: String(profile.viewport_height),
    locale: profile.locale,
    timezone: profile.timezone,
    isMobile: profile.is_mobile,
  };
}

const LOCALE = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;

function whole(value: string, min: number, max: number): number | null {
  if (!/^\s*\d+\s*$/.test(value)) return null;
  const n = Number(value);
  return n >= min && n <= max ? n : null;
}

/** A whole profile from the form (the API's ProfileCreate rules), or the errors to show. */
export function profileValues(form: ProfileForm): { values: ProfileCreate; errors: Partial<Record<ProfileField, string>> } {
  const errors: Partial<Record<ProfileField, string>> = {};
  const name = form.name.trim();
  const userAgent = form.userAgent.trim();
  const locale = form.locale.trim();
  const timezone = form.timezone.trim();
  if (!name) errors.name = "A name is required";
  else if (name.length > 100) errors.name = "At most 100 characters";
  if (!userAgent) errors.user_agent = "A user agent is required";
  else if (userAgent.length > 1000) errors.user_agent = "At most 1000 characters";
  else if (!SINGLE_LINE.test(userAgent)) errors.user_agent = "One line only";
  const width = whole(form.viewportWidth, 240, 7680);
  if (width === null) errors.viewport_width = "A whole number from 240 to 7680";
  const height = whole(form.viewportHeight, 240, 4320);
  if (height === null) errors.viewport_height = "A whole number from 240 to 4320";
  if (!LOCALE.test(locale) || locale.length > 35) errors.locale = "A language tag such as en-US or fr-FR";
  if (!timezone) errors.timezone = "A time zone such as Europe/Paris or UTC";
  else if (timezone.length > 64) errors.timezone = "At most 64 characters";
  return {
    values: {
      name,
      user_agent: userAgent,
      viewport_width: width ?? 0,
      viewport_height: height ?? 0,
      locale,
      timezone,
      is_mobile: form.isMobile,
    },
    errors,
  };
}

/** The PATCH body for a profile: only the fields that changed. */
export function profilePatch(profile: Profile, form: ProfileForm): { body: ProfileUpdate; errors: Partial<Record<ProfileField, string>> } {
  const { values, errors } = profileValues(form);
  const body: ProfileUpdate = {};
  for (const field of PROFILE_FIELDS) {
    if (errors[field] === undefined && values[field] !== profile[field]) (body as Record<string, unknown>)[field] = values[field];
  }
  return { body, errors };
}
