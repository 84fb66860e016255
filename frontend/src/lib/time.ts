/** How long ago something happened, in words a person reads at a glance. */

/** Seconds since `iso`, by this browser's clock (never negative). */
export function secondsSince(iso: string, now: number): number {
  const t = new Date(iso).getTime();
  return Number.isNaN(t) ? 0 : Math.max(0, (now - t) / 1000);
}

export function ageText(seconds: number): string {
  if (seconds < 1) return "just now";
  if (seconds < 90) return `${Math.round(seconds)} s ago`;
  if (seconds < 90 * 60) return `${Math.round(seconds / 60)} min ago`;
  return `${Math.round(seconds / 3600)} h ago`;
}
