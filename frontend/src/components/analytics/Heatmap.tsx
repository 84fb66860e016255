/**
 * Weekday × hour of views or sales: a table of coloured cells (recharts has no heatmap), the
 * colour in five steps from the busiest cell, each cell's figures in its title and for screen readers.
 */
import { useState } from "react";
import type { HeatCell } from "../../api/analytics";
import { WEEKDAYS, heatGrid, heatLevel } from "../../lib/analytics";

const LEVELS = [
  "bg-slate-100 dark:bg-slate-800",
  "bg-indigo-200 dark:bg-indigo-900",
  "bg-indigo-300 dark:bg-indigo-700",
  "bg-indigo-500 dark:bg-indigo-500",
  "bg-indigo-700 dark:bg-indigo-300",
];
const hourLabel = (h: number) => `${String(h).padStart(2, "0")}:00`;

export function Heatmap({ cells, tz }: { cells: HeatCell[]; tz: string }) {
  const [metric, setMetric] = useState<"views" | "sales">("views");
  const grid = heatGrid(cells);
  const max = Math.max(0, ...cells.map((c) => c[metric]));
  return (
    <div>
      <div className="mb-3 flex flex-wrap items-center justify-between gap-2">
        <div role="radiogroup" aria-label="Heatmap of" className="inline-flex rounded-md border border-slate-300 p-0.5 text-sm dark:border-slate-700">
          {(["views", "sales"] as const).map((m) => (
            <button
              key={m}
              type="button"
              role="radio"
              aria-checked={metric === m}
              onClick={() => setMetric(m)}
              className={`rounded px-3 py-1 capitalize ${metric === m ? "bg-indigo-600 text-white" : "text-slate-700 dark:text-slate-300"}`}
            >
              {m}
            </button>
          ))}
        </div>
        <p className="text-xs text-slate-500 dark:text-slate-400">Hours in {tz}</p>
      </div>
      <div className="overflow-x-auto">
        <table className="border-separate border-spacing-0.5 text-xs" aria-label={`${metric} by weekday and hour`} data-testid="heatmap">
          <thead>
            <tr>
              <th scope="col" className="sr-only">
                Weekday
              </th>
              {grid[0]!.map((c) => (
                <th key={c.hour} scope="col" className="w-6 font-normal text-slate-500 dark:text-slate-400">
                  <span className="sr-only">{hourLabel(c.hour)}</span>
                  <span aria-hidden>{c.hour % 3 === 0 ? c.hour : ""}</span>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {grid.map((row, d) => (
              <tr key={d}>
                <th scope="row" className="pr-2 text-left font-normal text-slate-500 dark:text-slate-400">
                  {WEEKDAYS[d]}
                </th>
                {row.map((c) => {
                  const tip = `${WEEKDAYS[d]} ${hourLabel(c.hour)}–${hourLabel((c.hour + 1) % 24)}: ${c.views} views, ${c.sales} sales`;
                  return (
                    <td key={c.hour} title={tip} data-level={heatLevel(c[metric], max)} className={`h-6 w-6 rounded-sm ${LEVELS[heatLevel(c[metric], max)]}`}>
                      <span className="sr-only">{tip}</span>
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="mt-2 flex items-center gap-1 text-xs text-slate-500 dark:text-slate-400" aria-hidden>
        <span>Less</span>
        {LEVELS.map((cls, i) => (
          <span key={i} className={`inline-block h-3 w-3 rounded-sm ${cls}`} />
        ))}
        <span>More{max > 0 ? ` (busiest: ${max} ${metric})` : ""}</span>
      </div>
    </div>
  );
}
