/**
 * The whole deployment's audit log (superusers): every workspace's rows and the deployment-wide ones
 * (a user disabled, a sign-in of no known workspace), filtered by action, workspace and period.
 */
import { Link } from "react-router";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { admin } from "../../api/admin";
import { audit } from "../../api/audit";
import { auditQuery } from "../../lib/audit";
import { browserZone } from "../../lib/analytics";
import { AuditFilterBar, AuditTable } from "../../components/AuditLog";
import { useAddressFilters } from "../../components/Pager";
import { PageHeader, SelectField, Spinner } from "../../components/ui";

export function AdminAuditPage() {
  const { get, set, offset, page } = useAddressFilters();
  const filters = { group: get("action"), actor: "", period: get("period"), workspace: get("workspace"), offset };
  const query = auditQuery(filters, new Date());
  const zone = browserZone();
  const list = useQuery({ queryKey: ["admin", "audit", query], queryFn: () => audit.all(query), placeholderData: keepPreviousData });
  const spaces = useQuery({ queryKey: ["admin", "workspaces", "list", { limit: 100 }], queryFn: () => admin.workspaces({ limit: 100 }) });
  const names = new Map((spaces.data?.items ?? []).map((w) => [w.id, w.name]));
  return (
    <>
      <PageHeader title="Audit log (every workspace)">{list.isFetching && !list.isPending && <Spinner small label="Updating…" />}</PageHeader>
      <p className="mb-4 text-sm text-slate-600 dark:text-slate-400">
        Every workspace's audit rows and the deployment's own (users disabled or enabled, sign-ins of no known workspace). What you do in this console is here too. Times
        are in your zone ({zone}).
      </p>
      <AuditFilterBar filters={filters} set={set}>
        <div className="w-56">
          <SelectField label="Workspace" value={filters.workspace} onChange={(e) => set("workspace", e.target.value)}>
            <option value="">Every workspace</option>
            {filters.workspace && !names.has(filters.workspace) && <option value={filters.workspace}>This workspace</option>}
            {[...names].map(([id, name]) => (
              <option key={id} value={id}>
                {name}
              </option>
            ))}
          </SelectField>
        </div>
      </AuditFilterBar>
      <AuditTable
        list={list}
        zone={zone}
        filtered={!!(filters.group || filters.workspace || filters.period)}
        offset={offset}
        onPage={page}
        emptyText="Rows appear as people sign in, change members, plans and credentials, export, and as superusers act."
        where={(entry) =>
          entry.workspace_id ? (
            <Link to={`/admin/workspaces/${entry.workspace_id}`} className="text-indigo-700 hover:underline dark:text-indigo-300">
              {names.get(entry.workspace_id) ?? `workspace ${entry.workspace_id.slice(0, 8)}`}
            </Link>
          ) : (
            <span className="text-slate-500">Deployment</span>
          )
        }
      />
    </>
  );
}
