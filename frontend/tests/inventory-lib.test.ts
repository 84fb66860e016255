/** Inventory's pure rules: badges, conflicts, the crosslist dialog's states and request, prices, selling, notices. */
import { describe, expect, it } from "vitest";
import { buildUrl } from "../src/api/client";
import { inventoryQuery } from "../src/api/inventory";
import { queriesChangedBy, touchesRecords } from "../src/lib/events";
import {
  LISTING_STATUS,
  accountBlocked,
  applyRule,
  conflictAdvice,
  crosslistBody,
  crosslistCheck,
  groupAccounts,
  importSummary,
  listingBadge,
  listingCounts,
  markSoldBody,
  newConflictsNotice,
  parseMarkup,
  parsePrice,
  parseSpacing,
  ruleText,
  soldNotice,
  targetState,
} from "../src/lib/inventory";
import { kindLabel } from "../src/lib/jobs";
import { account, item, listing, target } from "./inventory-fixtures";

describe("listing badges", () => {
  it("colours each status: live green, sold blue, delisting amber, failed red, queued and delisted grey", () => {
    const tones = Object.fromEntries(Object.entries(LISTING_STATUS).map(([status, s]) => [status, s.tone]));
    expect(tones).toEqual({ queued: "gray", live: "green", sold: "blue", delisting: "amber", delisted: "gray", failed: "red" });
  });

  it("names the platform and status, the account in its tooltip, and a conflict separately", () => {
    const b = listingBadge(listing("p1", { platform_title: "Sandbox Bazaar", account_label: "Alice B", status: "delisting", conflict: "delist_failed" }));
    expect(b).toEqual({ text: "Sandbox Bazaar · delisting", tone: "amber", title: "Alice B: being taken down", conflict: "delist failed" });
    expect(listingBadge(listing("p2", { conflict: "oversell", status: "sold" })).conflict).toBe("oversold");
    expect(listingBadge(listing("p3")).conflict).toBeNull();
  });

  it("counts an item's listings by status in a few words", () => {
    const it1 = item({ listings: [listing("a"), listing("b", { status: "sold" }), listing("c")] });
    expect(listingCounts(it1)).toBe("2 live · 1 sold");
  });
});

describe("conflicts", () => {
  it("a delist that failed sends the seller to the account, and can be retried", () => {
    const advice = conflictAdvice(listing("p1", { conflict: "delist_failed", conflict_reason: "The account needs attention", account_id: "a7", account_label: "Alice" }))!;
    expect(advice.reason).toBe("The account needs attention");
    expect(advice.link).toEqual({ to: "/accounts#account-a7", label: "Open Alice" });
    expect(advice.canRetry).toBe(true);
  });

  it("an oversell asks to cancel one of the orders and cannot be retried", () => {
    const advice = conflictAdvice(listing("p1", { conflict: "oversell", conflict_reason: null, platform_title: "Sandbox Bazaar" }))!;
    expect(advice.todo).toMatch(/Cancel one of the orders/);
    expect(advice.reason).toMatch(/Sandbox Bazaar/);
    expect(advice.canRetry).toBe(false);
    expect(advice.link).toBeNull();
    expect(conflictAdvice(listing("p2"))).toBeNull();
  });

  it("tells about new conflicts only when the count grows after the first reading", () => {
    expect(newConflictsNotice(null, 3)).toBeNull();
    expect(newConflictsNotice(3, 3)).toBeNull();
    expect(newConflictsNotice(3, 2)).toBeNull();
    expect(newConflictsNotice(0, 1)).toBe("1 listing needs your action: see Needs action in Inventory.");
    expect(newConflictsNotice(1, 3)).toMatch(/^2 listings need your action/);
  });
});

describe("choosing accounts", () => {
  it("groups accounts by platform title, accounts by name, and keeps whether the driver is verified", () => {
    const groups = groupAccounts([
      account("zoe", "sandbox_b", "Sandbox Bazaar"),
      account("bob", "sandbox", "Sandbox marketplace"),
      account("vic", "vinted", "Vinted", { driver_verified: false }),
      account("amy", "sandbox", "Sandbox marketplace"),
    ]);
    expect(groups.map((g) => [g.title, g.accounts.map((a) => a.label), g.verified])).toEqual([
      ["Sandbox Bazaar", ["zoe"], true],
      ["Sandbox marketplace", ["amy", "bob"], true],
      ["Vinted", ["vic"], false],
    ]);
  });

  it("only active accounts can take a new listing", () => {
    expect(accountBlocked({ status: "active" })).toBeNull();
    expect(accountBlocked({ status: "needs_attention" })).toBe("needs attention");
    expect(accountBlocked({ status: "banned" })).toBe("banned");
  });
});

describe("the crosslist preview", () => {
  const ok = target("a1");
  const missing = target("b1", { platform: "sandbox_b", problems: [{ field: "size", message: "Size: Sandbox Bazaar needs a size for clothing and shoes" }], ready: false });
  const live = target("a2", { existing: "live", ready: false });

  it("reads each chosen account's state", () => {
    expect(targetState(undefined, "").kind).toBe("loading");
    expect(targetState(missing, "")).toEqual({ kind: "blocked", problems: missing.problems });
    expect(targetState(live, "").kind).toBe("skipped");
    expect(targetState(target("x", { existing: "failed" }), "").kind).toBe("ready");
    expect(targetState(target("x", { existing: "delisted" }), "").kind).toBe("ready");
    expect(targetState(ok, "abc")).toEqual({ kind: "bad-price", message: "Enter a price, e.g. 12.50" });
    expect(targetState(ok, "")).toEqual({ kind: "ready", price: null });
    expect(targetState(ok, "19,5")).toEqual({ kind: "ready", price: 19.5 });
  });

  it("keeps Crosslist disabled while any chosen account has problems, is unchecked, or has a bad price", () => {
    expect(crosslistCheck([], [], {})).toMatchObject({ ok: false, reason: "Choose at least one account." });
    expect(crosslistCheck(["a1", "b1"], [ok], {})).toMatchObject({ ok: false, reason: "Checking what each platform will receive…" });
    expect(crosslistCheck(["a1", "b1"], [ok, missing], {})).toMatchObject({ ok: false, reason: "1 account has problems to fix first." });
    expect(crosslistCheck(["a1"], [ok], { a1: "-3" })).toMatchObject({ ok: false, reason: "Fix the price marked in red." });
    expect(crosslistCheck(["a2"], [live], {})).toMatchObject({ ok: false, reason: "It is already listed on every chosen account." });
    expect(crosslistCheck(["a1", "a2"], [ok, live], {})).toEqual({ ok: true, reason: null, count: 1 });
    expect(crosslistCheck(["a1"], [ok], {}, true)).toMatchObject({ ok: false, reason: "The item is sold." });
  });

  it("sends each ready account, with a price only where the seller typed a different one", () => {
    const b = target("b2", { platform: "sandbox_b", fields: { ...ok.fields, price: 24.99 } });
    const body = crosslistBody(["a1", "a2", "b2"], [ok, live, b], { a1: "22", b2: "30" });
    expect(body).toEqual({ accounts: [{ account_id: "a1" }, { account_id: "b2", price: 30 }] });
  });

  it("reads prices, markups and spacing as typed, or says what is wrong", () => {
    expect(parsePrice(" ")).toEqual({ price: null });
    expect(parsePrice("12.345")).toEqual({ price: 12.35 });
    expect(parsePrice("0")).toEqual({ error: "More than 0 and at most 1,000,000" });
    expect(parseMarkup("10 %".replace(" ", ""))).toEqual({ value: 10 });
    expect(parseMarkup("-60")).toEqual({ error: "From -50 to 200 %" });
    expect(parseMarkup("")).toEqual({ error: "Enter a percentage, e.g. 10" });
    expect(parseSpacing("90")).toEqual({ value: 90 });
    expect(parseSpacing("1.5")).toEqual({ error: "Whole seconds, e.g. 60" });
    expect(parseSpacing("4000")).toEqual({ error: "From 0 to 3600 seconds" });
  });

  it("shows a rule's example price as the server computes it", () => {
    expect(applyRule(20, { markup_percent: 10, rounding: "ends_99" })).toBe(21.99);
    expect(applyRule(21.3, { markup_percent: 0, rounding: "ends_99" })).toBe(20.99);
    expect(applyRule(20, { markup_percent: 5, rounding: "whole" })).toBe(21);
    expect(applyRule(19.99, { markup_percent: 0, rounding: "none" })).toBe(19.99);
    expect(applyRule(12.345, { markup_percent: 10, rounding: "none" })).toBe(13.58);
    expect(applyRule(0.2, { markup_percent: 0, rounding: "ends_90" })).toBe(0.9);
    expect(applyRule(0.2, { markup_percent: 0, rounding: "whole" })).toBe(1);
  });

  it("says a price rule in words", () => {
    expect(ruleText({ markup_percent: 10, rounding: "ends_99" })).toBe("+10 %, ends in .99");
    expect(ruleText({ markup_percent: 0, rounding: "none" })).toBe("same price");
    expect(ruleText({ markup_percent: -5, rounding: "whole" })).toBe("-5 %, whole amount");
  });
});

describe("selling", () => {
  it("builds the mark-sold request, or names the wrong field", () => {
    expect(markSoldBody({ listingId: "p1", price: "25,5", buyer: " ana " })).toEqual({ body: { platform_listing_id: "p1", price: 25.5, buyer: "ana" } });
    expect(markSoldBody({ listingId: "", price: "", buyer: "" })).toEqual({ body: { platform_listing_id: null, price: null, buyer: null } });
    expect(markSoldBody({ listingId: "p1", price: "-1", buyer: "" })).toMatchObject({ field: "price" });
    expect(markSoldBody({ listingId: "p1", price: "1", buyer: "x".repeat(201) })).toMatchObject({ field: "buyer" });
  });

  it("announces a sale with where it sold and how many other listings come down", () => {
    const sold = item({
      status: "sold",
      sold_via: "p1",
      listings: [listing("p1", { status: "sold", platform_title: "Sandbox Bazaar" }), listing("p2", { status: "delisting" }), listing("p3", { status: "delisting" }), listing("p4", { status: "failed" })],
    });
    expect(soldNotice(sold)).toBe("“Blue jacket” sold on Sandbox Bazaar: taking down its 2 other listings.");
    expect(soldNotice(item({ status: "sold", listings: [] }))).toBe("“Blue jacket” sold.");
    expect(soldNotice(item())).toBeNull();
  });

  it("says what an import did", () => {
    expect(importSummary({ linked: 2, created: 1, skipped: 3 })).toBe("2 linked to existing drafts · 1 new draft · 3 skipped (already linked)");
    expect(importSummary({ other: 1 })).toBeNull();
    expect(importSummary(null)).toBeNull();
  });
});

describe("requests and live updates", () => {
  it("repeats a list parameter, as the preview reads its accounts", () => {
    expect(buildUrl("/api/v1", "/listings/i1/crosslist/preview", { account_id: ["a1", "b1"] })).toBe("/api/v1/listings/i1/crosslist/preview?account_id=a1&account_id=b1");
    expect(buildUrl("/api/v1", "/inventory", inventoryQuery({ q: "", platform: "sandbox", conflicts_only: false, limit: 25 }))).toBe("/api/v1/inventory?platform=sandbox&limit=25");
    expect(buildUrl("/api/v1", "/inventory", inventoryQuery({ conflicts_only: true }))).toBe("/api/v1/inventory?conflicts_only=true");
  });

  it("listings' jobs refresh the inventory and the conflicts, from their first step", () => {
    for (const kind of ["listings.crosslist", "listings.publish", "listings.delist", "listings.delist_one", "listings.import"]) {
      expect(queriesChangedBy(kind)).toEqual(expect.arrayContaining(["inventory", "conflicts", "listings"]));
    }
    expect(queriesChangedBy("analytics.sync")).toEqual(expect.arrayContaining(["inventory", "conflicts"]));
    expect(touchesRecords({ type: "job.created", kind: "listings.delist" })).toBe(true);
    expect(touchesRecords({ type: "job.started", kind: "listings.delist_one" })).toBe(true);
    expect(touchesRecords({ type: "job.created", kind: "campaign.run" })).toBe(false);
    expect(touchesRecords({ type: "job.succeeded", kind: "campaign.run" })).toBe(true);
    expect(kindLabel("listings.crosslist")).toBe("Crosslist");
    expect(kindLabel("listings.delist_one")).toBe("Delist listing");
  });
});
