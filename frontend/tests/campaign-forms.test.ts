import { describe, expect, it } from "vitest";
import { ApiError } from "../src/api/client";
import {
  briefPatch,
  briefValues,
  campaignFieldErrors,
  emptyRow,
  generateBody,
  parseTags,
  rowIndexOfBodyIndex,
  scheduleValues,
  targetingValues,
  type BriefRow,
  type ScheduleForm,
} from "../src/lib/campaignForms";
import type { Campaign } from "../src/api/campaigns";

const row = (patch: Partial<BriefRow>): BriefRow => ({ ...emptyRow(), ...patch });
const SCHEDULE: ScheduleForm = { startsAt: "", activeFrom: "08:00", activeTo: "22:00", timezone: "Europe/Paris", spacingMinutes: "60", postsPerAccountPerDay: "3" };

describe("brief", () => {
  it("trims, requires a name and refuses a second line where the API does", () => {
    expect(briefValues({ name: "  Winter drop ", description: "line 1\nline 2", brandName: "Acme", targetAudience: "", tone: "warm" }).body).toMatchObject({
      name: "Winter drop",
      description: "line 1\nline 2",
      brand_name: "Acme",
      tone: "warm",
    });
    expect(briefValues({ name: " ", description: "", brandName: "a\nb", targetAudience: "x".repeat(301), tone: "" }).errors).toEqual({
      name: "Required",
      brand_name: "One line only",
      target_audience: "At most 300 characters",
    });
  });

  it("patches only what changed", () => {
    const c = { name: "A", description: "", brand_name: "B", target_audience: "", tone: "" } as Campaign;
    expect(briefPatch(c, { name: "A", description: "", brandName: "C", targetAudience: "", tone: "" }).body).toEqual({ brand_name: "C" });
    expect(briefPatch(c, { name: "A", description: "", brandName: "B", targetAudience: "", tone: "" }).body).toEqual({});
  });
});

describe("what to generate", () => {
  it("sends one brief per filled row, leaving blank rows out", () => {
    const rows = [row({ topic: "Jackets", withImage: true }), row({}), row({ brief: "Sale ends Sunday", tone: "urgent" })];
    const { body, errors } = generateBody({ mode: "rows", rows, count: "", withImage: false });
    expect(errors).toEqual({});
    expect(body).toEqual({
      posts: [
        { topic: "Jackets", brief: "", tone: "", audience: "", with_image: true },
        { topic: "", brief: "Sale ends Sunday", tone: "urgent", audience: "", with_image: false },
      ],
      with_image: false,
    });
  });

  it("refuses an empty list (the API's 400 on `posts`) and names a bad row's field by its form index", () => {
    expect(generateBody({ mode: "rows", rows: [row({}), row({})], count: "", withImage: false }).errors.posts).toMatch(/at least one/);
    const errors = generateBody({ mode: "rows", rows: [row({}), row({ topic: "a\nb" })], count: "", withImage: false }).errors;
    expect(errors).toEqual({ "posts.1.topic": "One line only" });
    // Tone or audience alone is not enough: the API wants a topic or a brief.
    expect(generateBody({ mode: "rows", rows: [row({ tone: "warm" })], count: "", withImage: false }).errors).toEqual({
      "posts.0.topic": "Say what the post is about (a topic or a brief)",
    });
  });

  it("asks for N posts from the campaign's brief, 1 to 200", () => {
    expect(generateBody({ mode: "count", rows: [], count: "12", withImage: true }).body).toEqual({ count: 12, with_image: true });
    expect(generateBody({ mode: "count", rows: [], count: "0", withImage: false }).errors.count).toBe("A whole number from 1 to 200");
    expect(generateBody({ mode: "count", rows: [], count: "201", withImage: false }).errors.count).toBeDefined();
  });

  it("maps the server's posts[i] (blank rows not sent) back to the form's row", () => {
    const rows = [row({}), row({ topic: "a" }), row({}), row({ topic: "b" })];
    expect(rowIndexOfBodyIndex(rows, 0)).toBe(1);
    expect(rowIndexOfBodyIndex(rows, 1)).toBe(3);
    expect(rowIndexOfBodyIndex(rows, 2)).toBe(-1);
    const error = new ApiError(400, "Posts[1] topic: too long", [{ key: "posts[1].topic", label: "Posts[1] topic", message: "must have at most 200 characters" }]);
    expect(campaignFieldErrors(error, rows)).toEqual({ fields: { "posts.3.topic": "Must have at most 200 characters" }, other: null });
  });
});

describe("targeting and schedule", () => {
  it("reads tags once each and sends empty ids as null", () => {
    expect(parseTags(" eu, fashion ,, eu")).toEqual(["eu", "fashion"]);
    expect(targetingValues({ platforms: ["sandbox"], statuses: [], tags: "eu", proxyId: "", profileId: "p1", strategy: "least_used" }).body).toEqual({
      targeting: { platforms: ["sandbox"], statuses: [], tags: ["eu"], proxy_id: null, profile_id: "p1" },
      strategy: "least_used",
    });
  });

  it("checks the window ends after it starts, and number bounds, keyed by the API's paths", () => {
    expect(scheduleValues(SCHEDULE).errors).toEqual({});
    expect(scheduleValues({ ...SCHEDULE, activeTo: "24:00" }).errors).toEqual({});
    const { errors } = scheduleValues({ ...SCHEDULE, activeFrom: "22:00", activeTo: "08:00", spacingMinutes: "0", postsPerAccountPerDay: "x", timezone: " " });
    expect(errors).toEqual({
      "schedule.active_to": "Must be after the start of the active hours",
      "schedule.spacing_minutes": "A whole number from 1 to 10,080",
      "schedule.posts_per_account_per_day": "A whole number from 1 to 100",
      "schedule.timezone": "Required, like Europe/Paris or UTC",
    });
    expect(scheduleValues({ ...SCHEDULE, activeFrom: "8am" }).errors).toEqual({ "schedule.active_from": "A time like 08:00" });
  });

  it("sends the start as UTC ISO from the browser's local time", () => {
    const { body } = scheduleValues({ ...SCHEDULE, startsAt: "2026-12-24T10:30" });
    expect(body.starts_at).toBe(new Date("2026-12-24T10:30").toISOString());
    expect(scheduleValues(SCHEDULE).body.starts_at).toBeNull();
  });

  it("puts the server's errors on the named field, deeper paths on the nearest one, the rest in `other`", () => {
    const service = new ApiError(400, "schedule.active_to: must be after active_from");
    expect(campaignFieldErrors(service)).toEqual({ fields: { "schedule.active_to": "Must be after active_from" }, other: null });
    const unmatched = new ApiError(400, "targeting: no account matches these filters");
    expect(campaignFieldErrors(unmatched).fields).toEqual({ targeting: "No account matches these filters" });
    const schema = new ApiError(400, "…", [{ key: "targeting.tags[3]", label: "Targeting tags[3]", message: "must have at most 32 characters" }]);
    expect(campaignFieldErrors(schema).fields).toEqual({ "targeting.tags": "Must have at most 32 characters" });
    const conflict = new ApiError(409, "The campaign has started: targeting is fixed");
    expect(campaignFieldErrors(conflict)).toEqual({ fields: {}, other: "The campaign has started: targeting is fixed" });
  });
});
