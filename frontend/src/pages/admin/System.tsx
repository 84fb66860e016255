/**
 * System health, refreshed every few seconds: each worker's last heartbeat (alive or stale) and
 * the queue: jobs waiting in arq and pending jobs by kind.
 */
import { useQuery } from "@tanstack/react-query";
import { admin } from "../../api/admin";
import { SYSTEM_REFRESH_MS } from "../../lib/admin";
import { ageText, secondsSince } from "../../lib/time";
import { kindLabel } from "../../lib/jobs";
import { TableSkeleton } from "../../components/analytics/Skeleton";
import { Badge, Card, Empty, ErrorState, PageHeader, Spinner, formatDate } from "../../components/ui";

export function SystemPage() {
  const health = useQuery({ queryKey: ["admin", "system"], queryFn: admin.system, refetchInterval: SYSTEM_REFRESH_MS, refetchIntervalInBackground: false });
  const h = health.data;
  // Ages as of the answer (not of each render), by this browser's clock.
  const checkedAt = health.dataUpdatedAt;
  return (
    <>
      <PageHeader title="System health">
        {/* The time of the last answer, not a spinner: the page asks again every few seconds and should not flicker. */}
        {h ? (
          <span className="text-sm text-slate-500">
            Checked {formatDate(new Date(checkedAt).toISOString())} · every {SYSTEM_REFRESH_MS / 1000} s
          </span>
        ) : (
          health.isFetching && <Spinner small label="Checking…" />
        )}
      </PageHeader>
      {health.isPending ? (
        <TableSkeleton rows={6} />
      ) : health.isError && !h ? (
        <ErrorState error={health.error} onRetry={() => health.refetch()} />
      ) : h ? (
        <div className="space-y-6">
          {health.isError && <ErrorState error={health.error} />}
          <div className="grid gap-6 lg:grid-cols-2">
            <Card title="Workers">
              {h.workers.length === 0 ? (
                <Empty title="No worker has a heartbeat">Jobs wait until a worker runs: start one with `sellpilot worker` (or the compose worker service).</Empty>
              ) : (
                <ul className="divide-y divide-slate-200 dark:divide-slate-800" aria-label="Workers">
                  {h.workers.map((w) => {
                    const state = w.alive ? "alive" : "stale";
                    return (
                      <li key={w.worker_id} className="flex flex-wrap items-center justify-between gap-2 py-2 text-sm" data-testid="worker-row">
                        <span className="break-all font-mono text-xs">{w.worker_id}</span>
                        <span className="flex items-center gap-3">
                          <span className="text-slate-500">
                            {w.running_jobs} running
                          </span>
                          <span className="text-slate-500" title={formatDate(w.last_beat_at)}>
                            beat {ageText(secondsSince(w.last_beat_at, checkedAt))}
                          </span>
                          <Badge tone={state === "alive" ? "green" : "red"}>{state}</Badge>
                        </span>
                      </li>
                    );
                  })}
                </ul>
              )}
              <p className="mt-3 text-xs text-slate-500">A worker is stale after three heartbeats missed; its jobs go to the live workers.</p>
            </Card>
            <Card title="Queue">
              <p className="mb-3 text-sm">
                <span className="text-2xl font-semibold tabular-nums" data-testid="queue-depth">
                  {h.queue_depth}
                </span>{" "}
                job{h.queue_depth === 1 ? "" : "s"} waiting for a worker
              </p>
              {h.pending_by_kind.length === 0 ? (
                <p className="text-sm text-slate-500">No pending jobs.</p>
              ) : (
                <table className="w-full text-left text-sm" aria-label="Pending jobs by kind">
                  <thead className="text-xs uppercase text-slate-500">
                    <tr>
                      <th scope="col" className="py-1 pr-3">Kind</th>
                      <th scope="col" className="py-1 text-right">Pending</th>
                    </tr>
                  </thead>
                  <tbody>
                    {[...h.pending_by_kind]
                      .sort((a, b) => b.pending - a.pending)
                      .map((k) => (
                        <tr key={k.kind} className="border-t border-slate-200 dark:border-slate-800" data-testid="queue-kind-row">
                          <td className="py-1 pr-3">{kindLabel(k.kind)}</td>
                          <td className="py-1 text-right tabular-nums">{k.pending}</td>
                        </tr>
                      ))}
                  </tbody>
                </table>
              )}
            </Card>
          </div>
        </div>
      ) : null}
    </>
  );
}
