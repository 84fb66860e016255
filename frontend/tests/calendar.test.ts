import { describe, expect, it } from "vitest";
import { byDay, byHour, dayKey, monthGrid, moveTarget, shiftView, startOfWeek, viewRange, weekDays } from "../src/lib/calendar";

const d = (y: number, m: number, day: number, h = 0, min = 0) => new Date(y, m - 1, day, h, min);

describe("calendar grids", () => {
  it("weeks start on Monday", () => {
    expect(dayKey(startOfWeek(d(2026, 12, 1)))).toBe("2026-11-30"); // a Tuesday
    expect(dayKey(startOfWeek(d(2026, 12, 6)))).toBe("2026-11-30"); // a Sunday
    expect(dayKey(startOfWeek(d(2026, 11, 30)))).toBe("2026-11-30"); // the Monday itself
    expect(weekDays(d(2026, 12, 3)).map(dayKey)).toEqual(["2026-11-30", "2026-12-01", "2026-12-02", "2026-12-03", "2026-12-04", "2026-12-05", "2026-12-06"]);
  });

  it("a month covers whole weeks around it (4 to 6 rows)", () => {
    const dec = monthGrid(d(2026, 12, 15));
    expect(dec).toHaveLength(5);
    expect(dayKey(dec[0]![0]!)).toBe("2026-11-30");
    expect(dayKey(dec[4]![6]!)).toBe("2027-01-03");
    expect(monthGrid(d(2027, 2, 1))).toHaveLength(4); // February 2027 starts on a Monday, 28 days
    expect(monthGrid(d(2026, 8, 1))).toHaveLength(6); // August 2026 starts on a Saturday, 31 days
    for (const week of dec) expect(week).toHaveLength(7);
  });

  it("asks the API for [first shown day, day after the last shown)", () => {
    const month = viewRange("month", d(2026, 12, 15));
    expect([dayKey(month.from), dayKey(month.to)]).toEqual(["2026-11-30", "2027-01-04"]);
    const week = viewRange("week", d(2026, 12, 15));
    expect([dayKey(week.from), dayKey(week.to)]).toEqual(["2026-12-14", "2026-12-21"]);
    const day = viewRange("day", d(2026, 12, 15, 13));
    expect([day.from.getHours(), dayKey(day.from), dayKey(day.to)]).toEqual([0, "2026-12-15", "2026-12-16"]);
  });

  it("moves a view back and forth by its length", () => {
    expect(dayKey(shiftView("month", d(2026, 1, 31), 1))).toBe("2026-02-01");
    expect(dayKey(shiftView("week", d(2026, 12, 31), 1))).toBe("2027-01-07");
    expect(dayKey(shiftView("day", d(2026, 3, 1), -1))).toBe("2026-02-28");
  });

  it("groups posts by local day and hour, in time order", () => {
    const posts = [{ at: d(2026, 12, 2, 9, 30).toISOString() }, { at: d(2026, 12, 1, 18).toISOString() }, { at: d(2026, 12, 2, 9, 5).toISOString() }];
    const days = byDay(posts);
    expect([...days.keys()]).toEqual(["2026-12-01", "2026-12-02"]);
    expect(days.get("2026-12-02")!.map((p) => new Date(p.at).getMinutes())).toEqual([5, 30]);
    expect(byHour(days.get("2026-12-02")!).get(9)).toHaveLength(2);
  });

  it("a post dropped on a day keeps its time of day; on an hour slot, its minutes", () => {
    const at = d(2026, 12, 1, 14, 45).toISOString();
    expect(moveTarget(at, d(2026, 12, 3))).toEqual(d(2026, 12, 3, 14, 45));
    expect(moveTarget(at, d(2026, 12, 3), 8)).toEqual(d(2026, 12, 3, 8, 45));
  });
});
