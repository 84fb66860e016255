/** A campaign's statistics: posts by status, by account and by day, success rate, time per post, failure reasons. */
import { useQuery } from "@tanstack/react-query";
import { Bar, BarChart, CartesianGrid, Cell, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { campaigns, type CampaignStatistics, type CountBy, type PostCounts } from "../../api/campaigns";
import { POST_STATUSES, STATUS_COLOURS, duration, percent } from "../../lib/campaigns";
import { Card, Empty, ErrorState, Loading } from "../ui";


const AXIS = { stroke: "currentColor", fontSize: 12 };
const TOOLTIP = { contentStyle: { background: "#0f172a", border: "none", borderRadius: 6, color: "#f8fafc" }, itemStyle: { color: "#f8fafc" } };

/** Posts by status as chart rows, statuses with none left out. */
export function statusRows(posts: PostCounts): { status: string; count: number }[] {
  return POST_STATUSES.map((status) => ({ status, count: posts[status] })).filter((r) => r.count > 0);
}

function Figure({ label, value, testId }: { label: string; value: string; testId: string }) {
  return (
    <div className="rounded-lg border border-slate-200 p-3 dark:border-slate-800">
      <p className="text-xs text-slate-500 dark:text-slate-400">{label}</p>
      <p className="text-xl font-semibold tabular-nums" data-testid={testId}>
        {value}
      </p>
    </div>
  );
}

function CountChart({ rows, label }: { rows: CountBy[]; label: string }) {
  if (rows.length === 0) return <p className="text-sm text-slate-500 dark:text-slate-400">Nothing yet.</p>;
  return (
    <div className="h-64 text-slate-600 dark:text-slate-300" role="img" aria-label={label}>
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={rows.map((r) => ({ ...r, rest: Math.max(0, r.total - r.posted - r.failed) }))} margin={{ left: -20, right: 8 }}>
          <CartesianGrid strokeDasharray="3 3" strokeOpacity={0.3} />
          <XAxis dataKey="label" tick={AXIS} stroke="currentColor" interval="preserveStartEnd" />
          <YAxis allowDecimals={false} tick={AXIS} stroke="currentColor" />
          <Tooltip {...TOOLTIP} />
          <Legend />
          <Bar dataKey="posted" name="posted" stackId="a" fill={STATUS_COLOURS.posted} />
          <Bar dataKey="failed" name="failed" stackId="a" fill={STATUS_COLOURS.failed} />
          <Bar dataKey="rest" name="not posted yet" stackId="a" fill={STATUS_COLOURS.draft} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}

export function StatsView({ stats }: { stats: CampaignStatistics }) {
  const byStatus = statusRows(stats.posts);
  return (
    <div className="space-y-6" data-testid="campaign-statistics">
      <div className="grid grid-cols-2 gap-3 lg:grid-cols-4">
        <Figure label="Success rate" value={percent(stats.success_rate)} testId="stat-success" />
        <Figure label="Posted" value={`${stats.posts.posted} of ${stats.posts.total}`} testId="stat-posted" />
        <Figure label="Average per post" value={duration(stats.avg_seconds_per_post)} testId="stat-avg" />
        <Figure label="95th percentile per post" value={duration(stats.p95_seconds_per_post)} testId="stat-p95" />
      </div>
      <div className="grid gap-6 lg:grid-cols-2">
        <Card title="Posts by status">
          {byStatus.length === 0 ? (
            <p className="text-sm text-slate-500">No posts yet.</p>
          ) : (
            <div className="h-64 text-slate-600 dark:text-slate-300" role="img" aria-label="Posts by status">
              <ResponsiveContainer width="100%" height="100%">
                <BarChart data={byStatus} margin={{ left: -20, right: 8 }}>
                  <CartesianGrid strokeDasharray="3 3" strokeOpacity={0.3} />
                  <XAxis dataKey="status" tick={AXIS} stroke="currentColor" />
                  <YAxis allowDecimals={false} tick={AXIS} stroke="currentColor" />
                  <Tooltip {...TOOLTIP} />
                  <Bar dataKey="count" name="posts">
                    {byStatus.map((r) => (
                      <Cell key={r.status} fill={STATUS_COLOURS[r.status]} />
                    ))}
                  </Bar>
                </BarChart>
              </ResponsiveContainer>
            </div>
          )}
        </Card>
        <Card title="By account">
          <CountChart rows={stats.by_account} label="Posts by account" />
        </Card>
        <Card title="By day">
          <CountChart rows={stats.by_day.map((d) => ({ ...d, label: d.label || d.key }))} label="Posts by day" />
        </Card>
        <Card title="By platform">
          <CountChart rows={stats.by_platform} label="Posts by platform" />
        </Card>
      </div>
      <Card title="Why posts failed">
        {stats.failure_reasons.length === 0 ? (
          <p className="text-sm text-slate-500 dark:text-slate-400">No failures.</p>
        ) : (
          <table className="w-full text-left text-sm" aria-label="Failure reasons">
            <thead className="text-xs uppercase text-slate-500">
              <tr>
                <th scope="col" className="py-1 pr-3">Reason</th>
                <th scope="col" className="py-1">Posts</th>
              </tr>
            </thead>
            <tbody>
              {stats.failure_reasons.map((r) => (
                <tr key={r.key} className="border-t border-slate-200 dark:border-slate-800">
                  <td className="break-words py-1 pr-3 [overflow-wrap:anywhere]">{r.label || r.key}</td>
                  <td className="py-1 tabular-nums">{r.total}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
    </div>
  );
}

export function CampaignStats({ campaignId }: { campaignId: string }) {
  const stats = useQuery({ queryKey: ["campaigns", campaignId, "statistics"], queryFn: () => campaigns.statistics(campaignId) });
  if (stats.isPending) return <Loading />;
  if (stats.isError) return <ErrorState error={stats.error} onRetry={() => stats.refetch()} />;
  if (stats.data.posts.total === 0) return <Empty title="No posts yet" />;
  return <StatsView stats={stats.data} />;
}
