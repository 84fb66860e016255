import { describe, expect, it } from "vitest";
import { COLLECTION } from "./collect-fixtures";
import type { Account } from "../src/api/platforms";
import { ApiError } from "../src/api/client";
import { accountText, addKeywords, chunkSegments, collectAccounts, collectionActions, gridMove, unsupportedSources, warmupTimeline } from "../src/lib/collect";
import { collectFieldErrors, collectionForm, collectionPatch, collectionValues, emptyCollection } from "../src/lib/collectForms";


const account = (over: Partial<Account>): Account =>
  ({ id: "a", label: "", login: "me", platform: "sandbox", platform_title: "Sandbox", driver_verified: true, status: "active", ...over }) as Account;

describe("collect lib", () => {
  it("offers only the accounts of platforms that collect, unverified drivers and unusable accounts said so", () => {
    const list = collectAccounts([
      account({ id: "1", label: "Zed", platform: "pinterest", platform_title: "Pinterest", driver_verified: false }),
      account({ id: "2", label: "Ana" }),
      account({ id: "3", label: "Tik", platform: "tiktok", platform_title: "TikTok" }),
      account({ id: "4", label: "Vin", platform: "vinted", platform_title: "Vinted", driver_verified: false, status: "needs_attention" }),
    ]);
    expect(list.map((a) => a.id)).toEqual(["2", "4", "1"]);
    expect(list.map(accountText)).toEqual(["Ana (Sandbox)", "Vin (Vinted, driver not verified, needs attention)", "Zed (Pinterest, driver not verified)"]);
    expect(unsupportedSources(list[1], ["feed_search", "board_ideas"])).toEqual(["board_ideas"]);
    expect(unsupportedSources(list[0], ["feed_search", "board_ideas"])).toEqual([]);
  });

  it("offers the controls each status allows", () => {
    expect(collectionActions("draft")).toMatchObject({ start: true, stop: false, retry: false, editCrawl: true, validate: false });
    expect(collectionActions("running")).toMatchObject({ start: false, stop: true, retry: false, validate: false, remove: false });
    expect(collectionActions("stopped")).toMatchObject({ start: true, stop: false, validate: true });
    expect(collectionActions("failed")).toMatchObject({ start: false, retry: true });
    expect(collectionActions("completed")).toMatchObject({ start: false, stop: false, retry: false, validate: true, editCrawl: false });
  });

  it("adds typed or pasted keywords once each, trimmed", () => {
    expect(addKeywords(["Linen"], " linen , red  dress\nblue,, ")).toEqual(["Linen", "red dress", "blue"]);
  });

  it("splits the chunk bar into done, failed, running and waiting", () => {
    const segments = chunkSegments({ chunks: { total: 4, done: 2, failed: 1, running: 0, waiting: 1 } });
    expect(segments).toEqual([
      { status: "done", count: 2, percent: 50 },
      { status: "failed", count: 1, percent: 25 },
      { status: "waiting", count: 1, percent: 25 },
    ]);
    expect(chunkSegments({ chunks: { total: 0, done: 0, failed: 0, running: 0, waiting: 0 } })).toEqual([]);
  });

  it("builds the warm-up timeline from the crawl job's items and the chunks", () => {
    const items = [
      { key: "warmup:board", status: "done" as const, result: { type: "warmup_step", step: "board", detail: "Board 'Linen dresses' ready" } },
      { key: "warmup:pin:9", status: "done" as const, result: { type: "warmup_step", step: "pin_saved", detail: "Blue linen" } },
      { key: "other", status: "done" as const, result: null },
    ];
    const before = warmupTimeline(COLLECTION, items, []);
    expect(before.map((s) => [s.step, s.done])).toEqual([
      ["board", true],
      ["pin_saved", false],
      ["ideas", false],
    ]);
    expect(before[1]!.label).toBe("Pins saved (1 of 3)");
    expect(before[1]!.detail).toBe("Blue linen");
    const after = warmupTimeline(COLLECTION, items, [{ source: "board_ideas" }]);
    expect(after.every((s) => s.done)).toBe(true);
    expect(warmupTimeline({ ...COLLECTION, board_id: "b1" }, [], [])[0]!.done).toBe(true);
  });

  it("moves the focus in the grid with arrows, Home and End, never off it", () => {
    // 7 cells, 3 a row
    expect(gridMove("ArrowRight", 2, 7, 3)).toBe(3);
    expect(gridMove("ArrowRight", 6, 7, 3)).toBe(6);
    expect(gridMove("ArrowLeft", 0, 7, 3)).toBe(0);
    expect(gridMove("ArrowDown", 4, 7, 3)).toBe(4);
    expect(gridMove("ArrowDown", 1, 7, 3)).toBe(4);
    expect(gridMove("ArrowUp", 5, 7, 3)).toBe(2);
    expect(gridMove("ArrowUp", 1, 7, 3)).toBe(1);
    expect(gridMove("End", 0, 7, 3)).toBe(6);
    expect(gridMove("Home", 5, 7, 3)).toBe(0);
    expect(gridMove("a", 1, 7, 3)).toBeNull();
  });
});

describe("collection form", () => {
  it("names every field the API would refuse", () => {
    const { errors } = collectionValues({ ...emptyCollection(), maxImages: "0", chunkSize: "500", warmupPins: "x", sources: [] });
    expect(Object.keys(errors).sort()).toEqual(["account_id", "chunk_size", "keywords", "max_images", "name", "project_id", "sources", "warmup_pins"]);
    expect(errors.max_images).toBe("The maximum must be a whole number from 1 to 10,000");
  });

  it("makes the create body with numbers", () => {
    const form = { ...emptyCollection("p1"), name: "  Linen  dresses ", keywords: ["linen"], accountId: "a1", maxImages: "60", threshold: 0.7 };
    const { body, errors } = collectionValues(form);
    expect(errors).toEqual({});
    expect(body).toMatchObject({ project_id: "p1", name: "Linen dresses", keywords: ["linen"], account_id: "a1", max_images: 60, threshold: 0.7, chunk_size: 20, sources: ["feed_search"] });
  });

  it("patches only what changed, and what is crawled only in a draft", () => {
    const form = { ...collectionForm(COLLECTION), name: "Linen", keywords: ["linen"], maxImages: "80" };
    expect(collectionPatch(COLLECTION, form).body).toEqual({ name: "Linen", keywords: ["linen"], max_images: 80 });
    const started = { ...COLLECTION, status: "stopped" as const };
    expect(collectionPatch(started, { ...form, keywords: [] }).body).toEqual({ name: "Linen", max_images: 80 });
    expect(collectionPatch(started, { ...form, keywords: [] }).errors).toEqual({});
    expect(collectionPatch(COLLECTION, collectionForm(COLLECTION)).body).toEqual({});
  });

  it("puts the API's field errors next to their fields", () => {
    const error = new ApiError(400, "Validation failed", [
      { key: "keywords[1]", message: "must not be blank" },
      { key: "threshold", message: "must be between 0 and 1" },
    ]);
    expect(collectFieldErrors(error).fields).toEqual({ keywords: "Must not be blank", threshold: "Must be between 0 and 1" });
    expect(collectFieldErrors(new ApiError(400, "sources: sandbox accounts cannot crawl board_ideas")).fields).toEqual({
      sources: "Sandbox accounts cannot crawl board_ideas",
    });
  });
});
