import { describe, expect, it } from "vitest";
import {
  addDays,
  changeView,
  dashboardQuery,
  heatGrid,
  heatLevel,
  periodError,
  rankingValue,
  readFilters,
  salesQuery,
} from "../src/lib/analytics";
import type { ListingStat } from "../src/api/analytics";
import { queriesChangedBy } from "../src/lib/events";

const params = (q: string) => new URLSearchParams(q);

describe("filters in the address", () => {
  it("defaults the dashboard to 30 days and the sales to any time", () => {
    expect(readFilters(params(""))).toEqual({ days: 30, from: "", to: "", account: "", platform: "" });
    expect(readFilters(params(""), { anyTime: true }).days).toBeNull();
  });

  it("reads a preset, refuses unknown presets, and lets a custom period win", () => {
    expect(readFilters(params("days=7&account=a1&platform=vinted"))).toMatchObject({ days: 7, account: "a1", platform: "vinted" });
    expect(readFilters(params("days=12")).days).toBe(30);
    expect(readFilters(params("days=7&from=2026-11-01&to=2026-11-10"))).toMatchObject({ days: null, from: "2026-11-01", to: "2026-11-10" });
    // a half or malformed custom period is ignored
    expect(readFilters(params("from=2026-11-01")).days).toBe(30);
    expect(readFilters(params("from=1/11/2026&to=2026-11-10")).from).toBe("");
  });

  it("turns a preset into whole days ending today, both ends included", () => {
    const q = dashboardQuery(readFilters(params("days=7&platform=vinted")), "2026-12-01", "Europe/Paris");
    expect(q).toEqual({ from: "2026-11-25", to: "2026-12-01", tz: "Europe/Paris", account: undefined, platform: "vinted" });
    expect(dashboardQuery(readFilters(params("days=90")), "2026-03-01", "UTC").from).toBe("2025-12-02");
  });

  it("sends sales the period as instants, the last day included, and nothing for any time", () => {
    const custom = salesQuery(readFilters(params("from=2026-11-01&to=2026-11-30"), { anyTime: true }), "2026-12-01");
    expect(new Date(custom.from!).getTime()).toBe(new Date(2026, 10, 1).getTime());
    expect(new Date(custom.to!).getTime()).toBe(new Date(2026, 11, 1).getTime());
    expect(salesQuery(readFilters(params("account=a1"), { anyTime: true }), "2026-12-01")).toEqual({ account: "a1", platform: undefined, from: undefined, to: undefined });
  });

  it("adds days across months and leap years", () => {
    expect(addDays("2028-02-28", 1)).toBe("2028-02-29");
    expect(addDays("2026-01-01", -1)).toBe("2025-12-31");
  });

  it("explains a wrong custom period", () => {
    expect(periodError("", "2026-11-10")).toMatch(/both/);
    expect(periodError("2026-11-10", "2026-11-01")).toMatch(/not be before/);
    expect(periodError("2025-01-01", "2026-01-02")).toMatch(/at most 366 days/);
    expect(periodError("2025-01-01", "2026-01-01")).toBeNull();
  });
});

describe("changes against the previous period", () => {
  it("shows direction and percent, and says when there was nothing before", () => {
    expect(changeView(12.5)).toEqual({ direction: "up", text: "+12.5 %" });
    expect(changeView(-40)).toEqual({ direction: "down", text: "−40 %" });
    expect(changeView(0)).toEqual({ direction: "flat", text: "no change" });
    expect(changeView(null)).toEqual({ direction: "none", text: "no data before" });
  });
});

describe("heatmap", () => {
  it("places cells by weekday and hour and fills the missing ones with zeros", () => {
    const grid = heatGrid([{ weekday: 6, hour: 23, views: 5, sales: 1 }]);
    expect(grid).toHaveLength(7);
    expect(grid.every((row) => row.length === 24)).toBe(true);
    expect(grid[6]![23]).toEqual({ weekday: 6, hour: 23, views: 5, sales: 1 });
    expect(grid[0]![0]).toEqual({ weekday: 0, hour: 0, views: 0, sales: 0 });
  });

  it("colours in five steps from the busiest cell", () => {
    expect(heatLevel(0, 10)).toBe(0);
    expect(heatLevel(1, 10)).toBe(1);
    expect(heatLevel(5, 10)).toBe(2);
    expect(heatLevel(7, 10)).toBe(3);
    expect(heatLevel(10, 10)).toBe(4);
    expect(heatLevel(3, 0)).toBe(0);
  });
});

describe("rankings", () => {
  const stat = { views: 1200, likes: 3, conversion: 0.0125, days_to_sell: 4.5 } as ListingStat;
  it("shows the figure each ranking orders by", () => {
    expect(rankingValue(stat, "views")).toBe((1200).toLocaleString());
    expect(rankingValue(stat, "conversion")).toBe(`${(1.25).toLocaleString()} %`);
    expect(rankingValue(stat, "days_to_sell")).toBe(`${(4.5).toLocaleString()} d`);
    expect(rankingValue({ ...stat, conversion: null }, "conversion")).toBe("—");
  });
});

describe("live updates", () => {
  it("refreshes the dashboard, sales and drafts when an account's sync finishes", () => {
    expect(queriesChangedBy("analytics.sync")).toEqual(["analytics", "sales", "listings", "inventory", "conflicts"]);
  });
});
