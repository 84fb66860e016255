/** The period's totals, each with its change against the previous period of the same length. */
import type { DashboardOut } from "../../api/analytics";
import { TOTALS, changeView, formatCount, formatMoney } from "../../lib/analytics";

const TONE = {
  up: "text-emerald-700 dark:text-emerald-400",
  down: "text-rose-700 dark:text-rose-400",
  flat: "text-slate-500 dark:text-slate-400",
  none: "text-slate-500 dark:text-slate-400",
};
const ARROW = { up: "▲", down: "▼", flat: "＝", none: "" };

export function TotalCards({ data }: { data: DashboardOut }) {
  const before = data.previous_period;
  return (
    <ul className="grid grid-cols-2 gap-3 sm:grid-cols-3 xl:grid-cols-6" aria-label="Totals">
      {TOTALS.map(({ key, label }) => {
        const change = changeView(data.change[key]);
        const show = key === "revenue" ? formatMoney : formatCount;
        return (
          <li key={key} className="rounded-lg border border-slate-200 bg-white p-3 shadow-sm dark:border-slate-800 dark:bg-slate-900" data-testid={`total-${key}`}>
            <p className="text-xs font-medium uppercase tracking-wide text-slate-500 dark:text-slate-400">{label}</p>
            <p className="mt-1 text-2xl font-semibold tabular-nums">{show(data.totals[key])}</p>
            <p className={`mt-1 text-xs tabular-nums ${TONE[change.direction]}`} title={`${before.from} – ${before.to}: ${show(data.previous_totals[key])}`}>
              {ARROW[change.direction] && <span aria-hidden>{ARROW[change.direction]} </span>}
              <span data-testid={`change-${key}`}>{change.text}</span>
              {change.direction !== "none" && <span className="text-slate-500 dark:text-slate-400"> vs previous {before.days} days</span>}
            </p>
          </li>
        );
      })}
    </ul>
  );
}
