import { describe, expect, it } from "vitest";
import { ApiError } from "../src/api/client";
import type { Account, Profile } from "../src/api/platforms";
import { queriesChangedBy } from "../src/lib/events";
import {
  ACCOUNT_FIELDS,
  PROFILE_FIELDS,
  EMPTY_PROFILE,
  accountForm,
  accountPatch,
  fieldErrors,
  parseCookies,
  parseTags,
  profileForm,
  profilePatch,
  profileValues,
} from "../src/lib/platformForms";

const ACCOUNT: Account = {
  id: "a1",
  platform: "sandbox",
  platform_title: "Sandbox marketplace",
  driver_verified: true,
  login: "jane",
  label: "Main shop",
  tags: ["fashion", "eu"],
  status: "active",
  status_reason: "",
  proxy_id: "p1",
  profile_id: null,
  daily_action_cap: 40,
  actions_today: 3,
  cooldown_until: null,
  last_used_at: null,
  last_login_at: null,
  has_password: true,
  has_cookies: false,
  created_at: "2026-01-01T00:00:00Z",
  updated_at: "2026-01-01T00:00:00Z",
};

const COOKIE = { name: "session", value: "abc", domain: ".example.com", path: "/", expirationDate: 1767225600, httpOnly: true, secure: true, sameSite: "no_restriction" };

describe("account tags", () => {
  it("are read from a comma-separated line: trimmed, lower-case, once each, empty pieces skipped", () => {
    expect(parseTags(" Fashion, EU ,, fashion,spring   drop")).toEqual({ tags: ["fashion", "eu", "spring drop"] });
    expect(parseTags("")).toEqual({ tags: [] });
  });

  it("refuse a long tag, separators the import uses, and more than 20", () => {
    expect(parseTags("x".repeat(33))).toEqual({ error: expect.stringContaining("longer than 32") });
    expect(parseTags("a;b")).toEqual({ error: expect.stringContaining("cannot contain") });
    const many = Array.from({ length: 21 }, (_, n) => `t${n}`).join(",");
    expect(parseTags(many)).toEqual({ error: "At most 20 tags (21 given)" });
  });

  it("are in the PATCH body only when they changed, and an error names the field", () => {
    const form = accountForm(ACCOUNT);
    expect(form.tags).toBe("fashion, eu");
    expect(accountPatch(ACCOUNT, { ...form, tags: "FASHION,eu" }).body).toEqual({});
    expect(accountPatch(ACCOUNT, { ...form, tags: "eu" }).body).toEqual({ tags: ["eu"] });
    expect(accountPatch(ACCOUNT, { ...form, tags: "" }).body).toEqual({ tags: [] });
    expect(accountPatch(ACCOUNT, { ...form, tags: "y".repeat(40) }).errors.tags).toContain("longer than 32");
  });
});

describe("account PATCH body", () => {
  it("is empty when nothing changed", () => {
    expect(accountPatch(ACCOUNT, accountForm(ACCOUNT))).toEqual({ body: {}, errors: {} });
  });

  it("sends only the changed fields", () => {
    const form = { ...accountForm(ACCOUNT), label: " Spring stock ", dailyActionCap: "50" };
    expect(accountPatch(ACCOUNT, form).body).toEqual({ label: "Spring stock", daily_action_cap: 50 });
  });

  it("sends null to clear the proxy, and an id to set the profile", () => {
    const form = { ...accountForm(ACCOUNT), proxyId: "", profileId: "pr9" };
    expect(accountPatch(ACCOUNT, form).body).toEqual({ proxy_id: null, profile_id: "pr9" });
  });

  it("leaves the password out when empty, sends a new one, or null to remove it", () => {
    const form = accountForm(ACCOUNT);
    expect(accountPatch(ACCOUNT, { ...form, password: "" }).body).toEqual({});
    expect(accountPatch(ACCOUNT, { ...form, password: "new secret" }).body).toEqual({ password: "new secret" });
    expect(accountPatch(ACCOUNT, { ...form, password: "ignored", clearPassword: true }).body).toEqual({ password: null });
    // Nothing stored, nothing to clear.
    expect(accountPatch({ ...ACCOUNT, has_password: false }, { ...form, clearPassword: true }).body).toEqual({});
  });

  it("sends pasted cookies parsed, or null to remove stored ones", () => {
    const form = { ...accountForm(ACCOUNT), cookies: JSON.stringify([COOKIE]) };
    expect(accountPatch(ACCOUNT, form).body).toEqual({ cookies: [COOKIE] });
    const stored = { ...ACCOUNT, has_cookies: true };
    expect(accountPatch(stored, { ...accountForm(stored), clearCookies: true }).body).toEqual({ cookies: null });
  });

  it("sends a status only when chosen; automation's statuses are left alone", () => {
    expect(accountPatch(ACCOUNT, { ...accountForm(ACCOUNT), status: "inactive" }).body).toEqual({ status: "inactive" });
    const paused = { ...ACCOUNT, status: "needs_attention" as const };
    expect(accountForm(paused).status).toBe("");
    expect(accountPatch(paused, accountForm(paused)).body).toEqual({});
    expect(accountPatch(paused, { ...accountForm(paused), status: "active" }).body).toEqual({ status: "active" });
  });

  it("names each bad field and sends nothing for it", () => {
    const form = { ...accountForm(ACCOUNT), label: "x".repeat(101), dailyActionCap: "0", cookies: "{not json" };
    const { body, errors } = accountPatch(ACCOUNT, form);
    expect(Object.keys(errors).sort()).toEqual(["cookies", "daily_action_cap", "label"]);
    expect(body).toEqual({});
    for (const cap of ["", "1.5", "abc", "100001", "-3"]) {
      expect(accountPatch(ACCOUNT, { ...accountForm(ACCOUNT), dailyActionCap: cap }).errors.daily_action_cap).toMatch(/1 to 100,000/);
    }
  });
});

describe("cookie JSON", () => {
  it("accepts an extension's array and a Playwright storage state", () => {
    expect(parseCookies(JSON.stringify([COOKIE]))).toEqual({ cookies: [COOKIE] });
    expect(parseCookies(JSON.stringify({ cookies: [COOKIE], origins: [] }))).toEqual({ cookies: [COOKIE] });
  });

  it("says what is wrong", () => {
    const error = (text: string) => ("error" in parseCookies(text) ? (parseCookies(text) as { error: string }).error : null);
    expect(error("session=abc; theme=dark")).toMatch(/^Not valid JSON/);
    expect(error('{"name": "session"}')).toMatch(/Expected a JSON array of cookies/);
    expect(error("[]")).toMatch(/empty/);
    expect(error("[1]")).toBe("Cookie 1 is not an object");
    expect(error(JSON.stringify([COOKIE, { value: "x", domain: ".a.com" }]))).toBe("Cookie 2 has no name");
    expect(error(JSON.stringify([{ name: "sid", value: "x" }]))).toBe("Cookie 1 (sid) has no domain");
  });
});

describe("field errors from the API", () => {
  it("reads a rule broken (service) and a schema error (validation)", () => {
    const rule = new ApiError(400, "cookies[0].domain: required (for example .vinted.fr)");
    expect(fieldErrors(rule, ACCOUNT_FIELDS)).toEqual({ fields: { cookies: "cookies[0].domain: required (for example .vinted.fr)" }, other: null });
    const schema = new ApiError(400, "Daily action cap: must be at least 1; Cookies 1: expected an object; Nickname: is not a field this accepts", [
      { key: "daily_action_cap", source: "body", label: "Daily action cap", message: "must be at least 1" },
      { key: "cookies[0]", source: "body", label: "Cookies 1", message: "expected an object" },
      { key: "nickname", source: "body", label: "Nickname", message: "is not a field this accepts" },
    ]);
    expect(fieldErrors(schema, ACCOUNT_FIELDS)).toEqual({
      fields: { daily_action_cap: "Must be at least 1", cookies: "Cookies 1: expected an object" },
      other: "Nickname: is not a field this accepts",
    });
  });

  it("names a missing proxy (404) on its field", () => {
    const missing = new ApiError(404, "proxy_id: proxy 1b2c not found");
    expect(fieldErrors(missing, ACCOUNT_FIELDS).fields).toEqual({ proxy_id: "proxy 1b2c not found" });
  });

  it("leaves anything else for a toast", () => {
    expect(fieldErrors(new ApiError(400, "login: must not be blank"), ACCOUNT_FIELDS)).toEqual({ fields: {}, other: "login: must not be blank" });
    expect(fieldErrors(new ApiError(402, "Plan limit reached: platform accounts: 2 of 2"), ACCOUNT_FIELDS)).toEqual({ fields: {}, other: null });
    expect(fieldErrors(new ApiError(404, "Platform account not found"), ACCOUNT_FIELDS).other).toBe("Platform account not found");
  });
});

describe("browser profile forms", () => {
  const PROFILE: Profile = {
    id: "pr1",
    name: "Desk",
    template: null,
    user_agent: "UA/1",
    viewport_width: 1366,
    viewport_height: 768,
    locale: "en-US",
    timezone: "UTC",
    is_mobile: false,
    created_at: "2026-01-01T00:00:00Z",
    updated_at: "2026-01-01T00:00:00Z",
  };

  it("builds a whole profile, or names the bad fields", () => {
    const good = profileValues({ ...EMPTY_PROFILE, name: " Phone ", userAgent: "UA/2", viewportWidth: "390", viewportHeight: "844", locale: "fr-FR", timezone: "Europe/Paris", isMobile: true });
    expect(good).toEqual({
      values: { name: "Phone", user_agent: "UA/2", viewport_width: 390, viewport_height: 844, locale: "fr-FR", timezone: "Europe/Paris", is_mobile: true },
      errors: {},
    });
    const bad = profileValues({ ...EMPTY_PROFILE, viewportWidth: "100", viewportHeight: "99999", locale: "english", timezone: "" });
    expect(Object.keys(bad.errors).sort()).toEqual(["locale", "name", "timezone", "user_agent", "viewport_height", "viewport_width"]);
  });

  it("PATCHes only what changed", () => {
    expect(profilePatch(PROFILE, profileForm(PROFILE))).toEqual({ body: {}, errors: {} });
    expect(profilePatch(PROFILE, { ...profileForm(PROFILE), viewportWidth: "1440", isMobile: true }).body).toEqual({ viewport_width: 1440, is_mobile: true });
    expect(PROFILE_FIELDS).toHaveLength(7);
  });
});

describe("jobs that change other records", () => {
  it("maps a job kind to the queries to refetch", () => {
    expect(queriesChangedBy("accounts.resume")).toEqual(["accounts"]);
    expect(queriesChangedBy("accounts.test_login")).toEqual(["accounts"]);
    expect(queriesChangedBy("proxies.health_check")).toEqual(["proxies"]);
    expect(queriesChangedBy("listings.analyze")).toEqual([]);
  });
});
