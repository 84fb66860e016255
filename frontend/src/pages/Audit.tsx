/**
 * The workspace's audit log, for its owners and admins: who did what and when (sign-ins, members and
 * roles, plan, account credentials, exports, superusers' actions), newest first, filtered by kind of
 * action, actor and period (kept in the address), times in the reader's own zone.
 */
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { audit, type AuditEntry } from "../api/audit";
import { workspaces } from "../api/endpoints";
import { useAuth } from "../lib/auth";
import { ACTION_GROUPS, AUDIT_PAGE, PERIODS, actionWords, auditQuery, detailsText, targetText, zonedTime } from "../lib/audit";
import { browserZone } from "../lib/analytics";
import { TableSkeleton } from "../components/analytics/Skeleton";
import { Pager, useAddressFilters } from "../components/Pager";
import { Card, Empty, ErrorState, PageHeader, SelectField, Spinner } from "../components/ui";

function AuditRow({ entry, zone }: { entry: AuditEntry; zone: string }) {
  const details = detailsText(entry.details);
  return (
    <tr className="border-t border-slate-200 align-top dark:border-slate-800" data-testid="audit-row">
      <td className="whitespace-nowrap py-2 pr-3">
        <time dateTime={entry.created_at}>{zonedTime(entry.created_at, zone)}</time>
      </td>
      <td className="break-words py-2 pr-3 [overflow-wrap:anywhere]">{entry.actor_email || (entry.actor_id ? "A deleted user" : "System")}</td>
      <td className="py-2 pr-3">
        {actionWords(entry.action)}
        <span className="block text-xs text-slate-500 dark:text-slate-400">{entry.action}</span>
      </td>
      <td className="break-words py-2 pr-3 [overflow-wrap:anywhere]" title={entry.target}>
        {targetText(entry.target)}
      </td>
      <td className="break-words py-2 text-xs text-slate-600 [overflow-wrap:anywhere] dark:text-slate-400">
        {details || "—"}
        {entry.ip && <span className="block">from {entry.ip}</span>}
      </td>
    </tr>
  );
}

export function AuditPage() {
  const { me, canManage } = useAuth();
  const { get, set, offset, page } = useAddressFilters();
  const filters = { group: get("action"), actor: get("actor"), period: get("period"), offset };
  const query = auditQuery(filters, new Date());
  const zone = browserZone();
  const workspaceId = me?.workspace.id ?? "";
  const list = useQuery({
    queryKey: ["audit", workspaceId, query],
    queryFn: () => audit.list(query),
    placeholderData: keepPreviousData,
    enabled: canManage,
  });
  const members = useQuery({
    queryKey: ["members", workspaceId],
    queryFn: () => workspaces.members(workspaceId),
    enabled: canManage && !!workspaceId,
  });
  if (!canManage) {
    return (
      <>
        <PageHeader title="Audit log" />
        <Empty title="Only owners and admins read the audit log">Ask an owner of this workspace if you need to know who did something.</Empty>
      </>
    );
  }
  const filtered = !!(filters.group || filters.actor || filters.period);
  return (
    <>
      <PageHeader title="Audit log">{list.isFetching && !list.isPending && <Spinner small label="Updating…" />}</PageHeader>
      <p className="mb-4 text-sm text-slate-600 dark:text-slate-400">
        Security-relevant actions in this workspace: sign-ins, members and roles, plan changes, account credentials, exports and what superusers did. Times are in
        your zone ({zone}).
      </p>
      <div className="mb-4 flex flex-wrap items-end gap-4" role="group" aria-label="Filters">
        <div className="w-56">
          <SelectField label="Action" value={filters.group} onChange={(e) => set("action", e.target.value)}>
            <option value="">Every action</option>
            {ACTION_GROUPS.map((g) => (
              <option key={g.value} value={g.value}>
                {g.label}
              </option>
            ))}
          </SelectField>
        </div>
        <div className="w-56">
          <SelectField label="Who" value={filters.actor} onChange={(e) => set("actor", e.target.value)}>
            <option value="">Anyone</option>
            {(members.data?.items ?? []).map((m) => (
              <option key={m.user_id} value={m.user_id}>
                {m.full_name ? `${m.full_name} (${m.email})` : m.email}
              </option>
            ))}
          </SelectField>
        </div>
        <div className="w-44">
          <SelectField label="Period" value={filters.period} onChange={(e) => set("period", e.target.value)}>
            {PERIODS.map((p) => (
              <option key={p.value} value={p.value}>
                {p.label}
              </option>
            ))}
          </SelectField>
        </div>
      </div>
      <Card>
        {list.isPending ? (
          <TableSkeleton />
        ) : list.isError ? (
          <ErrorState error={list.error} onRetry={() => list.refetch()} />
        ) : list.data.items.length === 0 ? (
          <Empty title={filtered ? "Nothing matches these filters" : "Nothing recorded yet"}>
            {filtered
              ? "Try another action, person or a longer period."
              : "Sign-ins, member and role changes, plan changes, credential changes and exports appear here as they happen."}
          </Empty>
        ) : (
          <>
            <div className="overflow-x-auto">
              <table className="w-full text-left text-sm" aria-label="Audit log">
                <thead className="text-xs uppercase text-slate-500">
                  <tr>
                    <th scope="col" className="py-2 pr-3">When</th>
                    <th scope="col" className="py-2 pr-3">Who</th>
                    <th scope="col" className="py-2 pr-3">What</th>
                    <th scope="col" className="py-2 pr-3">On</th>
                    <th scope="col" className="py-2">Details</th>
                  </tr>
                </thead>
                <tbody>
                  {list.data.items.map((entry) => (
                    <AuditRow key={entry.id} entry={entry} zone={zone} />
                  ))}
                </tbody>
              </table>
            </div>
            <Pager offset={offset} limit={AUDIT_PAGE} total={list.data.total} onPage={page} />
          </>
        )}
      </Card>
    </>
  );
}
