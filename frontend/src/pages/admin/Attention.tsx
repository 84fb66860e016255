/**
 * What needs a person across the deployment: platform accounts waiting for their owner (a captcha,
 * a challenge, a lost session) and billing events the webhook could not handle.
 */
import { useState } from "react";
import { Link } from "react-router";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { admin } from "../../api/admin";
import { TableSkeleton } from "../../components/analytics/Skeleton";
import { Pager } from "../../components/Pager";
import { Card, Empty, ErrorState, PageHeader, StatusBadge, formatDate } from "../../components/ui";

const PAGE = 25;

/** Workspace names by id, from the console's first page of workspaces (an id shows where a name is not known). */
function useWorkspaceNames(): Map<string, string> {
  const spaces = useQuery({ queryKey: ["admin", "workspaces", "list", { limit: 100 }], queryFn: () => admin.workspaces({ limit: 100 }) });
  return new Map((spaces.data?.items ?? []).map((w) => [w.id, w.name]));
}

function Accounts() {
  const [offset, setOffset] = useState(0);
  const query = { limit: PAGE, offset };
  const list = useQuery({ queryKey: ["admin", "attention", "accounts", query], queryFn: () => admin.attention(query), placeholderData: keepPreviousData });
  const spaces = useWorkspaceNames();
  if (list.isPending) return <TableSkeleton rows={4} />;
  if (list.isError) return <ErrorState error={list.error} onRetry={() => list.refetch()} />;
  if (list.data.items.length === 0) {
    return <Empty title="No account needs attention">An account lands here when a platform asks for a captcha or a check, refuses the login or bans it; its owner resumes it.</Empty>;
  }
  return (
    <>
      <div className="overflow-x-auto">
        <table className="w-full text-left text-sm" aria-label="Accounts needing attention">
          <thead className="text-xs uppercase text-slate-500">
            <tr>
              <th scope="col" className="py-2 pr-3">Account</th>
              <th scope="col" className="py-2 pr-3">Workspace</th>
              <th scope="col" className="py-2 pr-3">Status</th>
              <th scope="col" className="py-2 pr-3">Why</th>
              <th scope="col" className="py-2">Changed</th>
            </tr>
          </thead>
          <tbody>
            {list.data.items.map(({ workspace_id: ws, account: a }) => (
              <tr key={a.id} className="border-t border-slate-200 align-top dark:border-slate-800" data-testid="attention-row">
                <td className="break-words py-2 pr-3 [overflow-wrap:anywhere]">
                  {a.label || a.login}
                  <span className="block text-xs text-slate-500">
                    {a.platform_title}
                    {a.label ? ` · ${a.login}` : ""}
                  </span>
                </td>
                <td className="py-2 pr-3">
                  <Link to={`/admin/workspaces/${ws}`} className="text-indigo-700 hover:underline dark:text-indigo-300">
                    {spaces.get(ws) ?? `workspace ${ws.slice(0, 8)}`}
                  </Link>
                </td>
                <td className="py-2 pr-3">
                  <StatusBadge status={a.status} />
                </td>
                <td className="break-words py-2 pr-3 text-xs [overflow-wrap:anywhere]">{a.status_reason || "—"}</td>
                <td className="whitespace-nowrap py-2">{formatDate(a.updated_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <Pager offset={offset} limit={PAGE} total={list.data.total} onPage={setOffset} />
    </>
  );
}

function BillingEvents() {
  const [offset, setOffset] = useState(0);
  const query = { limit: PAGE, offset };
  const list = useQuery({ queryKey: ["admin", "attention", "billing", query], queryFn: () => admin.billingEvents(query), placeholderData: keepPreviousData });
  if (list.isPending) return <TableSkeleton rows={4} />;
  if (list.isError) return <ErrorState error={list.error} onRetry={() => list.refetch()} />;
  if (list.data.items.length === 0) {
    return <Empty title="Every Stripe event is handled">Stripe's events land here while they wait (an event that came before what it refers to is retried with backoff) or failed.</Empty>;
  }
  return (
    <>
      <div className="overflow-x-auto">
        <table className="w-full text-left text-sm" aria-label="Billing events not handled">
          <thead className="text-xs uppercase text-slate-500">
            <tr>
              <th scope="col" className="py-2 pr-3">Event</th>
              <th scope="col" className="py-2 pr-3">Received</th>
              <th scope="col" className="py-2 pr-3 text-right">Attempts</th>
              <th scope="col" className="py-2">Last error</th>
            </tr>
          </thead>
          <tbody>
            {list.data.items.map((e) => (
              <tr key={e.id} className="border-t border-slate-200 align-top dark:border-slate-800" data-testid="billing-event-row">
                <td className="break-words py-2 pr-3 [overflow-wrap:anywhere]">
                  {e.type}
                  <span className="block font-mono text-xs text-slate-500">{e.id}</span>
                </td>
                <td className="whitespace-nowrap py-2 pr-3">{formatDate(e.received_at)}</td>
                <td className="py-2 pr-3 text-right tabular-nums">{e.attempts}</td>
                <td className="break-words py-2 text-xs [overflow-wrap:anywhere]">{e.error || (e.attempts ? "—" : "Not tried yet")}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <Pager offset={offset} limit={PAGE} total={list.data.total} onPage={setOffset} />
    </>
  );
}

export function AttentionPage() {
  return (
    <>
      <PageHeader title="Needs attention" />
      <div className="space-y-6">
        <Card title="Platform accounts">
          <Accounts />
        </Card>
        <Card title="Billing events not handled">
          <BillingEvents />
        </Card>
      </div>
    </>
  );
}
