/**
 * Every workspace: search by name, open one for its members, plan, usage against its limits and its
 * overrides (set a plan or one limit until a date for a reason; list and remove them).
 */
import { Link, useParams } from "react-router";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { admin, type PlanOverride } from "../../api/admin";
import { errorMessage } from "../../api/client";
import type { Limit } from "../../api/endpoints";
import { overrideLabel } from "../../lib/admin";
import { QuotaBars } from "../../components/jobs";
import { TableSkeleton } from "../../components/analytics/Skeleton";
import { Pager, useAddressFilters } from "../../components/Pager";
import { SearchBox } from "../../components/admin/SearchBox";
import { OverrideForm } from "../../components/admin/OverrideForm";
import { useToast } from "../../components/toast";
import { Badge, Button, Card, Empty, ErrorState, Loading, PageHeader, formatDate } from "../../components/ui";

const PAGE = 50;

export function WorkspacesPage() {
  const { get, set, offset, page } = useAddressFilters();
  const search = get("q");
  const query = { search, limit: PAGE, offset };
  const list = useQuery({ queryKey: ["admin", "workspaces", "list", query], queryFn: () => admin.workspaces(query), placeholderData: keepPreviousData });
  return (
    <>
      <PageHeader title="Workspaces" />
      <div className="mb-4">
        <SearchBox label="Search by name or creator" value={search} onSearch={(text) => set("q", text)} placeholder="part of a name or email" />
      </div>
      <Card>
        {list.isPending ? (
          <TableSkeleton />
        ) : list.isError ? (
          <ErrorState error={list.error} onRetry={() => list.refetch()} />
        ) : list.data.items.length === 0 ? (
          <Empty title={search ? `No workspace matches “${search}”` : "No workspaces yet"}>
            {search ? "Search with a shorter part of the name or of its creator's email." : "Each registration makes a personal workspace."}
          </Empty>
        ) : (
          <>
            <div className="overflow-x-auto">
              <table className="w-full text-left text-sm" aria-label="Workspaces">
                <thead className="text-xs uppercase text-slate-500">
                  <tr>
                    <th scope="col" className="py-2 pr-3">Name</th>
                    <th scope="col" className="py-2 pr-3">Created by</th>
                    <th scope="col" className="py-2 pr-3 text-right">Members</th>
                    <th scope="col" className="py-2">Created</th>
                  </tr>
                </thead>
                <tbody>
                  {list.data.items.map((w) => (
                    <tr key={w.id} className="border-t border-slate-200 dark:border-slate-800" data-testid="workspace-row">
                      <td className="break-words py-2 pr-3 [overflow-wrap:anywhere]">
                        <Link to={`/admin/workspaces/${w.id}`} className="font-medium text-indigo-700 hover:underline dark:text-indigo-300">
                          {w.name}
                        </Link>
                        {w.is_personal && (
                          <span className="ml-2">
                            <Badge tone="blue">personal</Badge>
                          </span>
                        )}
                      </td>
                      <td className="break-words py-2 pr-3 [overflow-wrap:anywhere]">{w.created_by_email || "—"}</td>
                      <td className="py-2 pr-3 text-right tabular-nums">{w.members}</td>
                      <td className="whitespace-nowrap py-2">{formatDate(w.created_at)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <Pager offset={offset} limit={PAGE} total={list.data.total} onPage={page} />
          </>
        )}
      </Card>
    </>
  );
}

function OverrideList({ workspaceId, overrides, limits }: { workspaceId: string; overrides: PlanOverride[]; limits: Limit[] }) {
  const toast = useToast();
  const queryClient = useQueryClient();
  const remove = useMutation({
    mutationFn: (o: PlanOverride) => admin.removeOverride(workspaceId, o.id),
    onSuccess: () => {
      toast.success("Override removed");
      void queryClient.invalidateQueries({ queryKey: ["admin", "workspaces"] });
    },
    onError: (e) => toast.error(errorMessage(e)),
  });
  if (overrides.length === 0) {
    return <p className="text-sm text-slate-500">No overrides: the workspace has what its plan gives.</p>;
  }
  return (
    <ul className="divide-y divide-slate-200 dark:divide-slate-800" aria-label="Overrides">
      {overrides.map((o) => (
        <li key={o.id} className="flex flex-wrap items-start justify-between gap-3 py-3 text-sm" data-testid="override-row">
          <div className="min-w-0">
            <p className="flex flex-wrap items-center gap-2 font-medium">
              {overrideLabel(o, limits)}
              {o.active ? <Badge tone="green">in force</Badge> : <Badge>expired</Badge>}
            </p>
            <p className="break-words text-slate-600 [overflow-wrap:anywhere] dark:text-slate-400">
              {o.active ? "until" : "ended"} {formatDate(o.expires_at)} · “{o.reason}”
            </p>
            <p className="text-xs text-slate-500">
              set by {o.created_by_email || "a superuser"} on {formatDate(o.created_at)}
            </p>
          </div>
          <Button
            variant="secondary"
            busy={remove.isPending && remove.variables?.id === o.id}
            onClick={() => {
              const question = o.active
                ? `Remove the override “${overrideLabel(o, limits)}”? The workspace goes back to its plan at once.`
                : `Remove the expired override “${overrideLabel(o, limits)}” from the list?`;
              if (window.confirm(question)) remove.mutate(o);
            }}
          >
            Remove
          </Button>
        </li>
      ))}
    </ul>
  );
}

export function WorkspacePage() {
  const { id = "" } = useParams();
  const detail = useQuery({ queryKey: ["admin", "workspaces", "one", id], queryFn: () => admin.workspace(id) });
  if (detail.isPending) return <Loading />;
  if (detail.isError) return <ErrorState error={detail.error} onRetry={() => detail.refetch()} />;
  const { workspace: w, members, billing, overrides } = detail.data;
  const inForce = overrides.filter((o) => o.active);
  return (
    <>
      <PageHeader title={w.name}>
        <Link to={`/admin/jobs?workspace=${w.id}`} className="self-center text-sm text-indigo-600 underline dark:text-indigo-400">
          Its jobs
        </Link>
        <Link to="/admin/workspaces" className="self-center text-sm text-indigo-600 underline dark:text-indigo-400">
          All workspaces
        </Link>
      </PageHeader>
      <p className="mb-4 text-sm text-slate-500 dark:text-slate-400">
        {w.is_personal ? "Personal workspace" : "Workspace"} created {formatDate(w.created_at)}
        {w.created_by_email ? ` by ${w.created_by_email}` : ""}
      </p>
      <div className="grid gap-6 xl:grid-cols-2">
        <Card title="Plan and usage">
          <p className="mb-4 flex flex-wrap items-center gap-2 text-sm" data-testid="workspace-plan">
            <span className="font-medium">{billing.plan_title}</span>
            {inForce.length > 0 && (
              <Badge tone="amber">
                {inForce.length} override{inForce.length === 1 ? "" : "s"} in force
              </Badge>
            )}
            <span className="text-slate-500">subscription {billing.status.replace(/_/g, " ")}</span>
          </p>
          {billing.limits.length ? <QuotaBars limits={billing.limits} /> : <p className="text-sm text-slate-500">No limits reported.</p>}
          <p className="mt-3 text-xs text-slate-500">Limits shown with overrides applied; usage of monthly limits counts {billing.period}.</p>
        </Card>
        <Card title={`Members (${members.total})`}>
          {members.items.length === 0 ? (
            <p className="text-sm text-slate-500">No members.</p>
          ) : (
            <ul className="divide-y divide-slate-200 dark:divide-slate-800" aria-label="Members">
              {members.items.map((m) => (
                <li key={m.user_id} className="flex flex-wrap items-center justify-between gap-2 py-2 text-sm" data-testid="admin-member-row">
                  <Link to={`/admin/users/${m.user_id}`} className="break-all font-medium text-indigo-700 hover:underline dark:text-indigo-300">
                    {m.full_name ? `${m.full_name} (${m.email})` : m.email}
                  </Link>
                  <span className="flex gap-1">
                    <Badge>{m.role}</Badge>
                    {m.paused && <Badge tone="amber">paused seat</Badge>}
                  </span>
                </li>
              ))}
            </ul>
          )}
          {members.total > members.items.length && <p className="mt-2 text-xs text-slate-500">The first {members.items.length} of {members.total}, oldest first.</p>}
        </Card>
        <Card title="Overrides">
          <OverrideList workspaceId={w.id} overrides={overrides} limits={billing.limits} />
        </Card>
        <Card title="New override">
          <OverrideForm key={w.id} workspaceId={w.id} limits={billing.limits} />
        </Card>
      </div>
    </>
  );
}
