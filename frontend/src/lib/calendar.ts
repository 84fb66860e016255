/**
 * Calendar maths in the browser's time zone: the days a month, week or day view shows,
 * the range to ask the API for, and where a dragged post lands. Weeks start on Monday.
 */
export type CalendarView = "month" | "week" | "day";

export const startOfDay = (d: Date) => new Date(d.getFullYear(), d.getMonth(), d.getDate());
export const addDays = (d: Date, n: number) => new Date(d.getFullYear(), d.getMonth(), d.getDate() + n, d.getHours(), d.getMinutes(), d.getSeconds());

/** Monday of the date's week, at midnight. */
export function startOfWeek(d: Date): Date {
  const day = startOfDay(d);
  return addDays(day, -((day.getDay() + 6) % 7));
}

/** "2026-12-01" in the browser's time zone. */
export function dayKey(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** The weeks (Monday to Sunday) that cover the date's month: 4 to 6 rows of 7 days. */
export function monthGrid(d: Date): Date[][] {
  const first = new Date(d.getFullYear(), d.getMonth(), 1);
  const last = new Date(d.getFullYear(), d.getMonth() + 1, 0);
  const weeks: Date[][] = [];
  for (let monday = startOfWeek(first); monday <= last; monday = addDays(monday, 7)) {
    weeks.push(Array.from({ length: 7 }, (_, i) => addDays(monday, i)));
  }
  return weeks;
}

export const weekDays = (d: Date): Date[] => Array.from({ length: 7 }, (_, i) => addDays(startOfWeek(d), i));

/** The days the view shows (every day of its grid for a month). */
export function viewDays(view: CalendarView, d: Date): Date[] {
  if (view === "day") return [startOfDay(d)];
  if (view === "week") return weekDays(d);
  return monthGrid(d).flat();
}

/** [from, to) to ask the API for: the first shown day's midnight to the day after the last. */
export function viewRange(view: CalendarView, d: Date): { from: Date; to: Date } {
  const days = viewDays(view, d);
  return { from: days[0]!, to: addDays(days[days.length - 1]!, 1) };
}

/** The date one view earlier (-1) or later (+1). */
export function shiftView(view: CalendarView, d: Date, by: -1 | 1): Date {
  if (view === "day") return addDays(d, by);
  if (view === "week") return addDays(d, 7 * by);
  return new Date(d.getFullYear(), d.getMonth() + by, 1);
}

/** Items by the local day of their time, each day's in time order. */
export function byDay<T extends { at: string }>(items: T[]): Map<string, T[]> {
  const days = new Map<string, T[]>();
  for (const item of [...items].sort((a, b) => a.at.localeCompare(b.at))) {
    const key = dayKey(new Date(item.at));
    days.set(key, [...(days.get(key) ?? []), item]);
  }
  return days;
}

/** Items by local hour (0–23) of their time. */
export function byHour<T extends { at: string }>(items: T[]): Map<number, T[]> {
  const hours = new Map<number, T[]>();
  for (const item of [...items].sort((a, b) => a.at.localeCompare(b.at))) {
    const h = new Date(item.at).getHours();
    hours.set(h, [...(hours.get(h) ?? []), item]);
  }
  return hours;
}

/**
 * Where a post dropped on a day (month and week views) or an hour slot (day view) runs: the
 * target day at the post's own time of day, or the target hour at its own minutes.
 */
export function moveTarget(original: string, day: Date, hour?: number): Date {
  const was = new Date(original);
  return new Date(day.getFullYear(), day.getMonth(), day.getDate(), hour ?? was.getHours(), was.getMinutes());
}

/** The view's title: "December 2026", "30 Nov – 6 Dec 2026", "Tuesday 1 December 2026". */
export function viewTitle(view: CalendarView, d: Date, locale?: string): string {
  if (view === "month") return d.toLocaleDateString(locale, { month: "long", year: "numeric" });
  if (view === "day") return d.toLocaleDateString(locale, { weekday: "long", day: "numeric", month: "long", year: "numeric" });
  const days = weekDays(d);
  const first = days[0]!;
  const last = days[6]!;
  return `${first.toLocaleDateString(locale, { day: "numeric", month: "short" })} – ${last.toLocaleDateString(locale, { day: "numeric", month: "short", year: "numeric" })}`;
}
