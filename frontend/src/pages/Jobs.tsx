import { Link, useParams, useSearchParams } from "react-router";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { jobs, type JobStatistics } from "../api/endpoints";
import { JobRow, kindLabel } from "../components/jobs";
import { JobItems } from "../components/JobItems";
import { JobProgress } from "../components/JobProgress";
import { JOB_STATUSES, TERMINAL } from "../lib/progress";
import { Button, Card, Empty, ErrorState, Loading, PageHeader, SelectField, formatDate } from "../components/ui";

const PAGE = 25;

const rate = (share: number | null) => (share === null ? "—" : `${Math.round(share * 100)}%`);
const seconds = (s: number | null) => (s === null ? "—" : s < 60 ? `${s.toFixed(1)} s` : `${Math.round(s / 60)} min`);

/** The workspace's jobs by kind: how many, how many succeeded, how long they take. */
export function JobKindsTable({ stats }: { stats: JobStatistics }) {
  const total = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-sm" aria-label="Jobs by kind">
        <thead className="text-xs uppercase text-slate-500">
          <tr>
            <th scope="col" className="py-1 pr-3">Kind</th>
            <th scope="col" className="py-1 pr-3">Jobs</th>
            <th scope="col" className="py-1 pr-3">Failed</th>
            <th scope="col" className="py-1 pr-3">Success rate</th>
            <th scope="col" className="py-1">Average time</th>
          </tr>
        </thead>
        <tbody>
          {[...stats.by_kind]
            .sort((a, b) => total(b.counts) - total(a.counts))
            .map((k) => (
              <tr key={k.kind} className="border-t border-slate-200 dark:border-slate-800" data-testid="job-kind-row">
                <td className="py-1 pr-3">{kindLabel(k.kind)}</td>
                <td className="py-1 pr-3 tabular-nums">{total(k.counts)}</td>
                <td className="py-1 pr-3 tabular-nums">{k.counts.failed ?? 0}</td>
                <td className="py-1 pr-3 tabular-nums">{rate(k.success_rate)}</td>
                <td className="py-1 tabular-nums">{seconds(k.mean_duration_seconds)}</td>
              </tr>
            ))}
        </tbody>
      </table>
    </div>
  );
}

export function JobsPage() {
  const [params, setParams] = useSearchParams();
  const status = params.get("status") ?? "";
  const offset = Number(params.get("offset") ?? 0) || 0;
  const query = { status, limit: PAGE, offset };
  // Kept live by the workspace event stream (see Layout).
  const list = useQuery({ queryKey: ["jobs", "list", query], queryFn: () => jobs.list(query), placeholderData: keepPreviousData });
  // The dashboard's query (refreshed by the workspace stream as jobs are created and finish).
  const stats = useQuery({ queryKey: ["dashboard", "stats"], queryFn: jobs.statistics });
  return (
    <>
      <PageHeader title="Jobs" />
      <div className="mb-4 max-w-xs">
        <SelectField label="Status" value={status} onChange={(e) => setParams(e.target.value ? { status: e.target.value } : {}, { replace: true })}>
          <option value="">Any</option>
          {JOB_STATUSES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </SelectField>
      </div>
      <Card>
        {list.isPending ? (
          <Loading />
        ) : list.isError ? (
          <ErrorState error={list.error} onRetry={() => list.refetch()} />
        ) : list.data.items.length === 0 ? (
          <Empty title="No jobs here">Jobs appear when you make drafts, test logins or run automations.</Empty>
        ) : (
          <>
            <ul className="divide-y divide-slate-200 dark:divide-slate-800" data-testid="jobs-list">
              {list.data.items.map((job) => (
                <JobRow key={job.id} job={job} />
              ))}
            </ul>
            {list.data.total > PAGE && (
              <nav aria-label="Pages" className="mt-4 flex items-center justify-center gap-3">
                <Button variant="secondary" disabled={offset === 0} onClick={() => setParams({ ...(status ? { status } : {}), offset: String(Math.max(0, offset - PAGE)) })}>
                  Previous
                </Button>
                <Button variant="secondary" disabled={offset + PAGE >= list.data.total} onClick={() => setParams({ ...(status ? { status } : {}), offset: String(offset + PAGE) })}>
                  Next
                </Button>
              </nav>
            )}
          </>
        )}
      </Card>
      {stats.data && stats.data.by_kind.length > 0 && (
        <Card title="By kind" className="mt-6">
          <JobKindsTable stats={stats.data} />
        </Card>
      )}
    </>
  );
}

export function JobDetailPage() {
  const { id = "" } = useParams();
  const job = useQuery({ queryKey: ["jobs", "one", id], queryFn: () => jobs.get(id) });
  if (job.isPending) return <Loading />;
  if (job.isError) return <ErrorState error={job.error} onRetry={() => job.refetch()} />;
  const j = job.data;
  return (
    <>
      <PageHeader title={kindLabel(j.kind)}>
        <Link to="/jobs" className="text-sm text-indigo-600 underline dark:text-indigo-400">
          All jobs
        </Link>
      </PageHeader>
      {/* The progress card shows the job's reason (failure or pause) once; the details don't repeat it. */}
      <div className="min-w-0 space-y-6">
        <JobProgress jobId={j.id} showItems={false} />
        {/* Every item, failures first with their reason; the record's counts (kept live by the streams) refetch it. */}
        <JobItems jobId={j.id} settled={j.done + j.failed} jobError={j.error} jobFinished={TERMINAL.has(j.status)} />
        <Card title="Details">
          <dl className="grid grid-cols-1 gap-x-6 gap-y-2 text-sm sm:grid-cols-2">
            <dt className="text-slate-500">Created</dt>
            <dd>{formatDate(j.created_at)}</dd>
            <dt className="text-slate-500">Started</dt>
            <dd>{formatDate(j.started_at)}</dd>
            <dt className="text-slate-500">Finished</dt>
            <dd>{formatDate(j.finished_at)}</dd>
            <dt className="text-slate-500">Attempts</dt>
            <dd>
              {j.attempts} of {j.max_attempts}
            </dd>
          </dl>
        </Card>
      </div>
    </>
  );
}
