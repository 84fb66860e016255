/**
 * Views, likes, messages, sales and revenue per day; each series can be hidden (the checkboxes are the
 * legend); revenue has its own axis. Straight lines between days: a curve would invent values between them.
 */
import { useState } from "react";
import { CartesianGrid, ComposedChart, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { DayPoint } from "../../api/analytics";

export const SERIES = [
  { key: "views", label: "Views", colour: "#6366f1" },
  { key: "likes", label: "Likes", colour: "#ec4899" },
  { key: "messages", label: "Messages", colour: "#0ea5e9" },
  { key: "sales", label: "Sales", colour: "#10b981" },
  { key: "revenue", label: "Revenue", colour: "#f59e0b" },
] as const;
type SeriesKey = (typeof SERIES)[number]["key"];

const AXIS = { stroke: "currentColor", fontSize: 12 };
const TOOLTIP = { contentStyle: { background: "#0f172a", border: "none", borderRadius: 6, color: "#f8fafc" }, itemStyle: { color: "#f8fafc" } };

export function SeriesChart({ series }: { series: DayPoint[] }) {
  const [hidden, setHidden] = useState<Set<SeriesKey>>(new Set());
  const toggle = (key: SeriesKey) =>
    setHidden((now) => {
      const next = new Set(now);
      if (next.has(key)) next.delete(key);
      else next.add(key);
      return next;
    });
  const counts = SERIES.filter((s) => s.key !== "revenue" && !hidden.has(s.key));
  const revenue = !hidden.has("revenue");
  return (
    <div>
      <fieldset className="mb-3 flex flex-wrap gap-3 text-sm">
        <legend className="sr-only">Series shown</legend>
        {SERIES.map((s) => (
          <label key={s.key} className="inline-flex items-center gap-1.5">
            <input type="checkbox" checked={!hidden.has(s.key)} onChange={() => toggle(s.key)} className="h-4 w-4 rounded" />
            <span aria-hidden className="inline-block h-2.5 w-2.5 rounded-full" style={{ background: s.colour }} />
            {s.label}
          </label>
        ))}
      </fieldset>
      <div className="h-72 text-slate-600 dark:text-slate-300" role="img" aria-label="Activity per day">
        <ResponsiveContainer width="100%" height="100%">
          <ComposedChart data={series} margin={{ left: -10, right: 0 }}>
            <CartesianGrid strokeDasharray="3 3" strokeOpacity={0.3} />
            <XAxis dataKey="date" tick={AXIS} stroke="currentColor" tickFormatter={(d: string) => d.slice(5)} minTickGap={16} />
            <YAxis yAxisId="count" allowDecimals={false} tick={AXIS} stroke="currentColor" />
            {revenue && <YAxis yAxisId="revenue" orientation="right" tick={AXIS} stroke={SERIES[4].colour} />}
            <Tooltip {...TOOLTIP} />
            {counts.map((s) => (
              <Line key={s.key} yAxisId="count" type="linear" dataKey={s.key} name={s.label} stroke={s.colour} dot={series.length <= 31} strokeWidth={2} isAnimationActive={false} />
            ))}
            {revenue && <Line yAxisId="revenue" type="linear" dataKey="revenue" name="Revenue" stroke={SERIES[4].colour} dot={series.length <= 31} strokeWidth={2} strokeDasharray="5 3" isAnimationActive={false} />}
          </ComposedChart>
        </ResponsiveContainer>
      </div>
    </div>
  );
}
