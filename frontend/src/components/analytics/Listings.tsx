/** Top and bottom 10 listings by views, likes, conversion or days to sell; listings to reprice. */
import { useState } from "react";
import { Link } from "react-router";
import type { ListingStat, Rankings } from "../../api/analytics";
import { RANKINGS, draftPath, formatCount, rankingValue, type RankingKey } from "../../lib/analytics";

function ListingName({ stat }: { stat: ListingStat }) {
  const path = draftPath(stat.listing_id);
  return path ? (
    <Link to={path} className="text-indigo-700 hover:underline dark:text-indigo-300">
      {stat.title}
    </Link>
  ) : (
    <span title={`Not from a Sellpilot draft (item ${stat.platform_item_id})`}>{stat.title}</span>
  );
}

function RankTable({ title, rows, by }: { title: string; rows: ListingStat[]; by: RankingKey }) {
  const label = RANKINGS.find((r) => r.key === by)!.label;
  return (
    <div className="min-w-0">
      <h3 className="mb-2 text-sm font-semibold">{title}</h3>
      {rows.length === 0 ? (
        <p className="text-sm text-slate-500 dark:text-slate-400">
          {by === "days_to_sell" ? "No listing sold in this period." : by === "conversion" ? "No listing had views in this period." : "No activity in this period."}
        </p>
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full text-left text-sm" aria-label={title}>
            <thead className="text-xs uppercase text-slate-500">
              <tr>
                <th scope="col" className="py-1 pr-2">#</th>
                <th scope="col" className="py-1 pr-2">Listing</th>
                <th scope="col" className="py-1 pr-2">Platform</th>
                <th scope="col" className="py-1 pr-2 text-right">{label}</th>
                {by !== "views" && <th scope="col" className="py-1 text-right">Views</th>}
              </tr>
            </thead>
            <tbody>
              {rows.map((s, i) => (
                <tr key={`${s.account_id}-${s.platform_item_id}`} className="border-t border-slate-200 dark:border-slate-800">
                  <td className="py-1 pr-2 tabular-nums text-slate-500">{i + 1}</td>
                  <td className="break-words py-1 pr-2 [overflow-wrap:anywhere]">
                    <ListingName stat={s} />
                  </td>
                  <td className="py-1 pr-2 capitalize">{s.platform}</td>
                  <td className="py-1 pr-2 text-right tabular-nums">{rankingValue(s, by)}</td>
                  {by !== "views" && <td className="py-1 text-right tabular-nums">{formatCount(s.views)}</td>}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

export function RankingTables({ top, bottom }: { top: Rankings; bottom: Rankings }) {
  const [by, setBy] = useState<RankingKey>("views");
  const chosen = RANKINGS.find((r) => r.key === by)!;
  return (
    <div>
      <div role="tablist" aria-label="Rank listings by" className="mb-4 flex flex-wrap gap-1 border-b border-slate-200 dark:border-slate-800">
        {RANKINGS.map((r) => (
          <button
            key={r.key}
            type="button"
            role="tab"
            id={`rank-tab-${r.key}`}
            aria-selected={by === r.key}
            aria-controls="rank-panel"
            onClick={() => setBy(r.key)}
            className={`-mb-px border-b-2 px-3 py-2 text-sm font-medium ${
              by === r.key ? "border-indigo-600 text-indigo-700 dark:text-indigo-300" : "border-transparent text-slate-600 hover:text-slate-900 dark:text-slate-400"
            }`}
          >
            {r.label}
          </button>
        ))}
      </div>
      <div id="rank-panel" role="tabpanel" aria-labelledby={`rank-tab-${by}`} className="grid gap-6 lg:grid-cols-2">
        <RankTable title={`${chosen.top} (top 10)`} rows={top[by]} by={by} />
        <RankTable title={`${chosen.bottom} (bottom 10)`} rows={bottom[by]} by={by} />
      </div>
    </div>
  );
}

export function RepriceList({ rows, minViews }: { rows: ListingStat[]; minViews: number }) {
  return (
    <div>
      <p className="mb-3 text-sm text-slate-500 dark:text-slate-400">
        Listings with at least {formatCount(minViews)} views and no like in this period: buyers look but do not bite; a lower price or better photos may help.
      </p>
      {rows.length === 0 ? (
        <p className="text-sm text-slate-500 dark:text-slate-400">None: every much-viewed listing got likes.</p>
      ) : (
        <ul className="divide-y divide-slate-200 dark:divide-slate-800" aria-label="Listings to reprice">
          {rows.map((s) => (
            <li key={`${s.account_id}-${s.platform_item_id}`} className="flex items-center justify-between gap-3 py-2 text-sm">
              <span className="min-w-0 break-words [overflow-wrap:anywhere]">
                <ListingName stat={s} /> <span className="text-xs capitalize text-slate-500">· {s.platform}</span>
              </span>
              <span className="shrink-0 tabular-nums">{formatCount(s.views)} views</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
