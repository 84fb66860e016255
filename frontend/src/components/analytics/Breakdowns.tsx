/** Views and sales by category and by brand (bars), and the accounts side by side. */
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { AccountStat, Breakdown } from "../../api/analytics";
import { formatCount, formatMoney, formatShare } from "../../lib/analytics";
import { accountPath } from "../../lib/paths";
import { Link } from "react-router";

const AXIS = { stroke: "currentColor", fontSize: 12 };
const TOOLTIP = { contentStyle: { background: "#0f172a", border: "none", borderRadius: 6, color: "#f8fafc" }, itemStyle: { color: "#f8fafc" } };
/** The bars shown; the rest are summed up under the chart. */
const MAX_BARS = 12;

export function BreakdownBars({ rows, label }: { rows: Breakdown[]; label: string }) {
  if (rows.length === 0) return <p className="text-sm text-slate-500 dark:text-slate-400">No activity in this period.</p>;
  const shown = rows.slice(0, MAX_BARS);
  return (
    <div>
      <div className="text-slate-600 dark:text-slate-300" style={{ height: 48 + shown.length * 32 }} role="img" aria-label={label}>
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={shown} layout="vertical" margin={{ left: 8, right: 8 }}>
            <CartesianGrid strokeDasharray="3 3" strokeOpacity={0.3} />
            <XAxis type="number" allowDecimals={false} tick={AXIS} stroke="currentColor" />
            <YAxis type="category" dataKey="name" width={110} tick={AXIS} stroke="currentColor" />
            <Tooltip {...TOOLTIP} />
            <Legend />
            <Bar dataKey="views" name="Views" fill="#6366f1" />
            <Bar dataKey="sales" name="Sales" fill="#10b981" />
          </BarChart>
        </ResponsiveContainer>
      </div>
      <table className="mt-3 w-full text-left text-sm" aria-label={`${label} (figures)`}>
        <thead className="text-xs uppercase text-slate-500">
          <tr>
            <th scope="col" className="py-1 pr-2">Name</th>
            <th scope="col" className="py-1 pr-2 text-right">Listings</th>
            <th scope="col" className="py-1 pr-2 text-right">Share of views</th>
            <th scope="col" className="py-1 pr-2 text-right">Share of sales</th>
            <th scope="col" className="py-1 text-right">Revenue</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.name} className="border-t border-slate-200 dark:border-slate-800">
              <td className="break-words py-1 pr-2 [overflow-wrap:anywhere]">{r.name}</td>
              <td className="py-1 pr-2 text-right tabular-nums">{formatCount(r.listings)}</td>
              <td className="py-1 pr-2 text-right tabular-nums">{formatShare(r.views_share)}</td>
              <td className="py-1 pr-2 text-right tabular-nums">{formatShare(r.sales_share)}</td>
              <td className="py-1 text-right tabular-nums">{formatMoney(r.revenue)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function AccountsTable({ rows }: { rows: AccountStat[] }) {
  if (rows.length === 0) return <p className="text-sm text-slate-500 dark:text-slate-400">No account had activity in this period.</p>;
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-sm" aria-label="Accounts compared">
        <thead className="text-xs uppercase text-slate-500">
          <tr>
            <th scope="col" className="py-1 pr-2">Account</th>
            <th scope="col" className="py-1 pr-2">Platform</th>
            <th scope="col" className="py-1 pr-2 text-right">Listings</th>
            <th scope="col" className="py-1 pr-2 text-right">Views</th>
            <th scope="col" className="py-1 pr-2 text-right">Likes</th>
            <th scope="col" className="py-1 pr-2 text-right">Messages</th>
            <th scope="col" className="py-1 pr-2 text-right">Sales</th>
            <th scope="col" className="py-1 pr-2 text-right">Revenue</th>
            <th scope="col" className="py-1 text-right">Conversion</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((a) => (
            <tr key={a.account_id} className="border-t border-slate-200 dark:border-slate-800">
              <td className="py-1 pr-2">
                <Link to={accountPath(a.account_id)} className="text-indigo-700 hover:underline dark:text-indigo-300">
                  {a.label}
                </Link>
              </td>
              <td className="py-1 pr-2 capitalize">{a.platform}</td>
              <td className="py-1 pr-2 text-right tabular-nums">{formatCount(a.listings)}</td>
              <td className="py-1 pr-2 text-right tabular-nums">{formatCount(a.views)}</td>
              <td className="py-1 pr-2 text-right tabular-nums">{formatCount(a.likes)}</td>
              <td className="py-1 pr-2 text-right tabular-nums">{formatCount(a.messages)}</td>
              <td className="py-1 pr-2 text-right tabular-nums">{formatCount(a.sales)}</td>
              <td className="py-1 pr-2 text-right tabular-nums">{formatMoney(a.revenue)}</td>
              <td className="py-1 text-right tabular-nums">{formatShare(a.conversion, 2)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
