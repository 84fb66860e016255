import { describe, expect, it } from "vitest";
import { ApiError } from "../src/api/client";
import type { Rule } from "../src/api/automation";
import { emptyRuleForm, ruleFieldErrors, ruleForm, rulePatch, ruleValues } from "../src/lib/automationForms";
import { scheduleText, summaryText } from "../src/lib/automation";

const RULE: Rule = {
  id: "r1",
  account_id: "a1",
  account_label: "Main shop",
  platform: "sandbox",
  name: "Drop jackets",
  kind: "price_drop",
  params: { listing_ids: ["l1"], percent: 10, every_days: 7, floor: 15 },
  interval_minutes: 60,
  starts_at: null,
  active_from: "08:00",
  active_to: "22:00",
  timezone: "Europe/Paris",
  daily_cap: 50,
  actions_today: 2,
  status: "active",
  pause_reason: "",
  next_run_at: "2026-12-01T10:00:00Z",
  last_run_at: null,
  last_job_id: null,
  last_outcome: "",
  last_summary: {},
  created_at: "2026-12-01T00:00:00Z",
  updated_at: "2026-12-01T00:00:00Z",
};
const LISTINGS = { listings: { l1: { title: "Blue jacket", price: 20 }, l2: { title: "Red scarf", price: 8 } } };

describe("rule form checks", () => {
  it("sends only the kind's own parameters", () => {
    const form = { ...emptyRuleForm("a1", "follow"), name: "Grow", source: "feed_search" as const, query: " denim ", username: "ignored" };
    const { body, errors } = ruleValues(form);
    expect(errors).toEqual({});
    expect(body).toMatchObject({ account_id: "a1", kind: "follow", interval_minutes: 60, daily_cap: 50, active_from: "00:00", active_to: "24:00", enabled: true });
    expect(body.params).toEqual({ source: "feed_search", query: "denim", max_per_run: 20 });
    expect(body).not.toHaveProperty("timezone");
  });

  it("names each bad field in words: schedule, parameters, floors above the price", () => {
    const form = {
      ...emptyRuleForm("a1", "price_drop"),
      name: "",
      intervalMinutes: "2",
      activeFrom: "8am",
      listingIds: ["l1", "l2"],
      percent: "120",
      floor: "25",
      floors: { l2: "9" },
    };
    const { errors } = ruleValues(form, LISTINGS);
    expect(errors.name).toBe("A name is required");
    expect(errors.interval_minutes).toMatch(/at least 5/);
    expect(errors.active_from).toBe("A time like 08:00");
    expect(errors["params.percent"]).toMatch(/percentage/);
    expect(errors["params.floor"]).toBe("Above the current price of “Blue jacket” (20)");
    expect(errors["params.floors.l2"]).toBe("Above the current price (8)");
  });

  it("asks for listings, a template, a start time where the kind needs them", () => {
    expect(ruleValues({ ...emptyRuleForm("a1", "bump"), name: "b" }).errors["params.listing_ids"]).toBe("Choose at least one listing to bump");
    expect(ruleValues({ ...emptyRuleForm("a1", "bump"), name: "b", bumpMode: "oldest", oldest: "3" }).body.params).toEqual({ oldest: 3 });
    const messages = ruleValues({ ...emptyRuleForm("a1", "message_likers"), name: "m", delayMin: "60", delayMax: "10" }).errors;
    expect(messages["params.template_id"]).toBe("Choose a message template");
    expect(messages["params.delay_max_seconds"]).toBe("Must be at least the shortest delay");
    expect(ruleValues({ ...emptyRuleForm("a1", "scheduled_publish"), name: "q", listingIds: ["l1"] }).errors.starts_at).toMatch(/first draft/);
    expect(ruleValues({ ...emptyRuleForm("", "inbox_sync"), name: "s" }).errors).toEqual({ account_id: "Choose the account the rule acts as" });
  });

  it("PATCHes only what changed, the parameters as a whole", () => {
    const form = ruleForm(RULE);
    expect(form.dropMode).toBe("percent");
    expect(rulePatch(RULE, form, LISTINGS).body).toEqual({});
    const changed = { ...form, floor: "12", intervalMinutes: "30" };
    expect(rulePatch(RULE, changed, LISTINGS).body).toEqual({ interval_minutes: 30, params: { listing_ids: ["l1"], percent: 10, every_days: 7, floor: 12 } });
  });

  it("reads the API's field errors: listed problems and a path at the start of the detail", () => {
    const listed = new ApiError(400, "Interval minutes: must be at least 5", [{ key: "interval_minutes", label: "Interval minutes", message: "must be at least 5" }]);
    expect(ruleFieldErrors(listed)).toEqual({ fields: { interval_minutes: "Must be at least 5" }, other: null });
    const floors = new ApiError(400, "params.floors.l1: 25.00 is above the listing's price 20.00; something else");
    expect(ruleFieldErrors(floors)).toEqual({ fields: { "params.floors.l1": "25.00 is above the listing's price 20.00" }, other: "something else" });
    expect(ruleFieldErrors(new ApiError(400, "kind: unknown kind 'dance'")).fields).toEqual({ kind: "Unknown kind 'dance'" });
    expect(ruleFieldErrors(new ApiError(402, "Your plan allows 3 active automation rules"))).toEqual({ fields: {}, other: "Your plan allows 3 active automation rules" });
  });

  it("says the schedule and a summary in words", () => {
    expect(scheduleText(RULE)).toBe("every hour · 08:00–22:00 (Europe/Paris)");
    expect(scheduleText({ ...RULE, interval_minutes: 30, active_from: "00:00", active_to: "24:00" })).toBe("every 30 min · all day (Europe/Paris)");
    expect(summaryText({ bumped: 3, failed: 0, price_changed: 1 })).toBe("bumped 3 · price changed 1");
  });
});
