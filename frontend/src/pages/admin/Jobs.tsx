/**
 * Jobs across every workspace: filtered by kind, status and workspace (in the address), the failure
 * reasons grouped by kind, and a retry for a job that failed.
 */
import { Link } from "react-router";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { admin, type FailureGroup } from "../../api/admin";
import { errorMessage } from "../../api/client";
import type { Job } from "../../api/endpoints";
import { KIND_LABELS, jobSummary, kindLabel } from "../../lib/jobs";
import { JOB_STATUSES } from "../../lib/progress";
import { JobStatusBadge } from "../../components/jobs";
import { TableSkeleton } from "../../components/analytics/Skeleton";
import { Pager, useAddressFilters } from "../../components/Pager";
import { useToast } from "../../components/toast";
import { Button, Card, Empty, ErrorState, PageHeader, SelectField, Spinner, formatDate } from "../../components/ui";

const PAGE = 50;
const RETRYABLE = new Set(["failed", "cancelled"]);

function RetryButton({ job }: { job: Job }) {
  const toast = useToast();
  const queryClient = useQueryClient();
  const retry = useMutation({
    mutationFn: () => admin.retryJob(job.id),
    onSuccess: () => {
      toast.success(`${kindLabel(job.kind)} sent to run again`);
      void queryClient.invalidateQueries({ queryKey: ["admin", "jobs"] });
    },
    onError: (e) => toast.error(errorMessage(e)),
  });
  if (!RETRYABLE.has(job.status)) return null;
  return (
    <Button variant="secondary" busy={retry.isPending} onClick={() => retry.mutate()}>
      Retry
    </Button>
  );
}

function FailureGroups({ groups, onPick }: { groups: FailureGroup[]; onPick: (kind: string) => void }) {
  if (groups.length === 0) return <p className="text-sm text-slate-500">No failed jobs of this kind.</p>;
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-sm" aria-label="Failure reasons">
        <thead className="text-xs uppercase text-slate-500">
          <tr>
            <th scope="col" className="py-1 pr-3">Kind</th>
            <th scope="col" className="py-1 pr-3">Reason</th>
            <th scope="col" className="py-1 pr-3 text-right">Failures</th>
            <th scope="col" className="py-1">Last</th>
          </tr>
        </thead>
        <tbody>
          {[...groups]
            .sort((a, b) => b.count - a.count)
            .map((g) => (
              <tr key={`${g.kind}\u0000${g.reason}`} className="border-t border-slate-200 align-top dark:border-slate-800" data-testid="failure-group">
                <td className="py-1 pr-3">
                  <button type="button" className="text-indigo-700 hover:underline dark:text-indigo-300" onClick={() => onPick(g.kind)}>
                    {kindLabel(g.kind)}
                  </button>
                </td>
                <td className="break-words py-1 pr-3 [overflow-wrap:anywhere]">{g.reason || "No reason recorded"}</td>
                <td className="py-1 pr-3 text-right tabular-nums">{g.count}</td>
                <td className="whitespace-nowrap py-1">{formatDate(g.last_failed_at)}</td>
              </tr>
            ))}
        </tbody>
      </table>
    </div>
  );
}

export function AdminJobsPage() {
  const { get, set, offset, page } = useAddressFilters();
  const filters = { kind: get("kind"), status: get("status"), workspace: get("workspace") };
  const query = { ...filters, limit: PAGE, offset };
  const list = useQuery({ queryKey: ["admin", "jobs", "list", query], queryFn: () => admin.jobs(query), placeholderData: keepPreviousData });
  const failures = useQuery({
    queryKey: ["admin", "jobs", "failures", filters.kind],
    queryFn: () => admin.failures(filters.kind || undefined),
    placeholderData: keepPreviousData,
  });
  const spaces = useQuery({ queryKey: ["admin", "workspaces", "list", { limit: 100 }], queryFn: () => admin.workspaces({ limit: 100 }) });
  const spaceList = spaces.data?.items ?? [];
  const kinds = [...new Set([...Object.keys(KIND_LABELS), ...(failures.data ?? []).map((g) => g.kind), ...(filters.kind ? [filters.kind] : [])])].sort();
  const filtered = !!(filters.kind || filters.status || filters.workspace);
  return (
    <>
      <PageHeader title="Jobs across workspaces">{list.isFetching && !list.isPending && <Spinner small label="Updating…" />}</PageHeader>
      <div className="mb-4 flex flex-wrap items-end gap-4" role="group" aria-label="Filters">
        <div className="w-56">
          <SelectField label="Kind" value={filters.kind} onChange={(e) => set("kind", e.target.value)}>
            <option value="">Any kind</option>
            {kinds.map((k) => (
              <option key={k} value={k}>
                {kindLabel(k)}
              </option>
            ))}
          </SelectField>
        </div>
        <div className="w-44">
          <SelectField label="Status" value={filters.status} onChange={(e) => set("status", e.target.value)}>
            <option value="">Any</option>
            {JOB_STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </SelectField>
        </div>
        <div className="w-56">
          <SelectField label="Workspace" value={filters.workspace} onChange={(e) => set("workspace", e.target.value)}>
            <option value="">Every workspace</option>
            {filters.workspace && !spaceList.some((w) => w.id === filters.workspace) && <option value={filters.workspace}>This workspace</option>}
            {spaceList.map((w) => (
              <option key={w.id} value={w.id}>
                {w.name}
              </option>
            ))}
          </SelectField>
        </div>
      </div>
      <div className="space-y-6">
        <Card title={filters.kind ? `Failure reasons of ${kindLabel(filters.kind)} (every workspace)` : "Failure reasons (every workspace)"}>
          {failures.isPending ? (
            <TableSkeleton rows={3} />
          ) : failures.isError ? (
            <ErrorState error={failures.error} onRetry={() => failures.refetch()} />
          ) : (
            <FailureGroups groups={failures.data} onPick={(kind) => set("kind", kind)} />
          )}
        </Card>
        <Card title="Jobs">
          {list.isPending ? (
            <TableSkeleton />
          ) : list.isError ? (
            <ErrorState error={list.error} onRetry={() => list.refetch()} />
          ) : list.data.items.length === 0 ? (
            <Empty title={filtered ? "No jobs match these filters" : "No jobs yet"}>
              {filtered ? "Try another kind, status or workspace." : "Jobs appear as people make drafts, run automations and campaigns."}
            </Empty>
          ) : (
            <>
              <div className="relative overflow-x-auto">
                <table className="w-full text-left text-sm" aria-label="Jobs">
                  <thead className="text-xs uppercase text-slate-500">
                    <tr>
                      <th scope="col" className="py-2 pr-3">Kind</th>
                      <th scope="col" className="py-2 pr-3">Workspace</th>
                      <th scope="col" className="py-2 pr-3">Status</th>
                      <th scope="col" className="py-2 pr-3">Created</th>
                      <th scope="col" className="py-2 pr-3">Error</th>
                      <th scope="col" className="py-2"><span className="sr-only">Actions</span></th>
                    </tr>
                  </thead>
                  <tbody>
                    {list.data.items.map((j) => (
                      <tr key={j.id} className="border-t border-slate-200 align-top dark:border-slate-800" data-testid="admin-job-row">
                        <td className="py-2 pr-3">
                          {kindLabel(j.kind)}
                          <span className="block text-xs text-slate-500">
                            {j.attempts} of {j.max_attempts} attempts
                          </span>
                        </td>
                        <td className="py-2 pr-3">
                          <Link to={`/admin/workspaces/${j.workspace_id}`} className="text-indigo-700 hover:underline dark:text-indigo-300">
                            {spaceList.find((w) => w.id === j.workspace_id)?.name ?? `workspace ${j.workspace_id.slice(0, 8)}`}
                          </Link>
                        </td>
                        <td className="py-2 pr-3">
                          <JobStatusBadge summary={jobSummary(j)} />
                        </td>
                        <td className="whitespace-nowrap py-2 pr-3">{formatDate(j.created_at)}</td>
                        <td className="max-w-md break-words py-2 pr-3 text-xs [overflow-wrap:anywhere]">{j.error || "—"}</td>
                        <td className="py-2 text-right">
                          <RetryButton job={j} />
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              <Pager offset={offset} limit={PAGE} total={list.data.total} onPage={page} />
            </>
          )}
        </Card>
      </div>
    </>
  );
}
