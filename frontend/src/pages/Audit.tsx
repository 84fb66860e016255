/**
 * The workspace's audit log, for its owners and admins: who did what and when (sign-ins, members and
 * roles, plan, account credentials, exports, superusers' actions), newest first, filtered by kind of
 * action, actor and period (kept in the address), times in the reader's own zone.
 */
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { audit } from "../api/audit";
import { workspaces } from "../api/endpoints";
import { useAuth } from "../lib/auth";
import { auditQuery } from "../lib/audit";
import { browserZone } from "../lib/analytics";
import { AuditFilterBar, AuditTable } from "../components/AuditLog";
import { useAddressFilters } from "../components/Pager";
import { Empty, PageHeader, SelectField, Spinner } from "../components/ui";

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
  return (
    <>
      <PageHeader title="Audit log">{list.isFetching && !list.isPending && <Spinner small label="Updating…" />}</PageHeader>
      <p className="mb-4 text-sm text-slate-600 dark:text-slate-400">
        Security-relevant actions in this workspace: sign-ins, members and roles, plan changes, account credentials, exports and what superusers did. Times are in
        your zone ({zone}).
      </p>
      <AuditFilterBar filters={filters} set={set}>
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
      </AuditFilterBar>
      <AuditTable
        list={list}
        zone={zone}
        filtered={!!(filters.group || filters.actor || filters.period)}
        offset={offset}
        onPage={page}
        emptyText="Sign-ins, member and role changes, plan changes, credential changes and exports appear here as they happen."
      />
    </>
  );
}
