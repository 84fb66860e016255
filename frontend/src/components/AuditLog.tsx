/**
 * The audit log's table and filters, shared by a workspace's Audit page and the console's
 * deployment-wide log: who did what, to what and when (in the reader's zone), newest first.
 */
import type { ReactNode } from "react";
import type { UseQueryResult } from "@tanstack/react-query";
import type { AuditEntry } from "../api/audit";
import type { Page } from "../api/endpoints";
import { ACTION_GROUPS, AUDIT_PAGE, PERIODS, actionWords, detailsText, targetText, zonedTime, type AuditFilters } from "../lib/audit";
import { TableSkeleton } from "./analytics/Skeleton";
import { Pager } from "./Pager";
import { Card, Empty, ErrorState, SelectField } from "./ui";

function AuditRow({ entry, zone, where }: { entry: AuditEntry; zone: string; where?: (entry: AuditEntry) => ReactNode }) {
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
      {where && <td className="py-2 pr-3">{where(entry)}</td>}
      <td className="break-words py-2 text-xs text-slate-600 [overflow-wrap:anywhere] dark:text-slate-400">
        {details || "—"}
        {entry.ip && <span className="block">from {entry.ip}</span>}
      </td>
    </tr>
  );
}

/** Action group and period, plus whatever the page adds (who, which workspace). */
export function AuditFilterBar({ filters, set, children }: { filters: AuditFilters; set: (key: string, value: string) => void; children?: ReactNode }) {
  return (
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
      {children}
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
  );
}

export function AuditTable({
  list,
  zone,
  filtered,
  offset,
  onPage,
  emptyText,
  where,
}: {
  list: UseQueryResult<Page<AuditEntry>>;
  zone: string;
  filtered: boolean;
  offset: number;
  onPage: (offset: number) => void;
  emptyText: string;
  /** a column saying where the action happened (the deployment-wide log) */
  where?: (entry: AuditEntry) => ReactNode;
}) {
  return (
    <Card>
      {list.isPending ? (
        <TableSkeleton />
      ) : list.isError ? (
        <ErrorState error={list.error} onRetry={() => list.refetch()} />
      ) : list.data.items.length === 0 ? (
        <Empty title={filtered ? "Nothing matches these filters" : "Nothing recorded yet"}>{filtered ? "Try other filters or a longer period." : emptyText}</Empty>
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
                  {where && <th scope="col" className="py-2 pr-3">Where</th>}
                  <th scope="col" className="py-2">Details</th>
                </tr>
              </thead>
              <tbody>
                {list.data.items.map((entry) => (
                  <AuditRow key={entry.id} entry={entry} zone={zone} where={where} />
                ))}
              </tbody>
            </table>
          </div>
          <Pager offset={offset} limit={AUDIT_PAGE} total={list.data.total} onPage={onPage} />
        </>
      )}
    </Card>
  );
}
