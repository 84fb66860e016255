/** Sales synced from the accounts: newest first, filtered by account, platform and period, with a CSV download. */
import { Link } from "react-router";
import { keepPreviousData, useMutation, useQuery } from "@tanstack/react-query";
import { analytics } from "../api/analytics";
import { errorMessage } from "../api/client";
import { draftPath, localDate, salesQuery } from "../lib/analytics";
import { saveResponse } from "../lib/download";
import { FilterBar, useAccounts, useFilters } from "../components/analytics/Filters";
import { TableSkeleton } from "../components/analytics/Skeleton";
import { HowDataArrives } from "../components/analytics/HowDataArrives";
import { useToast } from "../components/toast";
import { Button, Card, Empty, ErrorState, PageHeader, formatDate } from "../components/ui";

const PAGE = 25;

export function SalesPage() {
  const toast = useToast();
  const { filters, update, params, setParams } = useFilters({ anyTime: true });
  const offset = Number(params.get("offset") ?? 0) || 0;
  const query = salesQuery(filters, localDate(new Date()));
  const list = useQuery({
    queryKey: ["sales", "list", query, offset],
    queryFn: () => analytics.sales({ ...query, limit: PAGE, offset }),
    placeholderData: keepPreviousData,
  });
  const accounts = useAccounts();
  const label = (id: string) => {
    const a = accounts.data?.items.find((x) => x.id === id);
    return a ? a.label || a.login : "—";
  };
  const download = useMutation({
    mutationFn: async () => saveResponse(await analytics.exportSales(query), "sales.csv"),
    onError: (e) => toast.error(errorMessage(e)),
  });
  const page = (to: number) => {
    const next = new URLSearchParams(params);
    if (to) next.set("offset", String(to));
    else next.delete("offset");
    setParams(next);
  };
  const filtered = !!(filters.account || filters.platform || filters.days || filters.from);

  return (
    <>
      <PageHeader title="Sales">
        <Link to="/analytics" className="rounded-md px-3 py-2 text-sm font-medium text-indigo-700 hover:bg-slate-100 dark:text-indigo-300 dark:hover:bg-slate-800">
          Analytics
        </Link>
        <Button variant="secondary" busy={download.isPending} disabled={!list.data?.total} onClick={() => download.mutate()}>
          Export CSV
        </Button>
      </PageHeader>
      <FilterBar filters={filters} update={update} anyTime />
      <Card>
        {list.isPending ? (
          <TableSkeleton />
        ) : list.isError ? (
          <ErrorState error={list.error} onRetry={() => list.refetch()} />
        ) : list.data.items.length === 0 ? (
          <Empty title={filtered ? "No sales match these filters" : "No sales yet"}>
            {filtered ? <p>Try another account, platform or period.</p> : <HowDataArrives what="sales" />}
          </Empty>
        ) : (
          <>
            <p className="mb-3 text-sm text-slate-500 dark:text-slate-400" data-testid="sales-total">
              {list.data.total} sale{list.data.total === 1 ? "" : "s"}
            </p>
            <div className="overflow-x-auto">
              <table className="w-full text-left text-sm" aria-label="Sales">
                <thead className="text-xs uppercase text-slate-500">
                  <tr>
                    <th scope="col" className="py-2 pr-3">Sold</th>
                    <th scope="col" className="py-2 pr-3">Item</th>
                    <th scope="col" className="py-2 pr-3">Account</th>
                    <th scope="col" className="py-2 pr-3">Platform</th>
                    <th scope="col" className="py-2 pr-3 text-right">Price</th>
                    <th scope="col" className="py-2 pr-3">Buyer</th>
                    <th scope="col" className="py-2">Draft</th>
                  </tr>
                </thead>
                <tbody>
                  {list.data.items.map((s) => {
                    const path = draftPath(s.listing_id);
                    return (
                      <tr key={s.id} className="border-t border-slate-200 dark:border-slate-800" data-testid="sale-row">
                        <td className="whitespace-nowrap py-2 pr-3">{formatDate(s.sold_at ?? s.created_at)}</td>
                        <td className="break-words py-2 pr-3 [overflow-wrap:anywhere]">
                          {s.title || s.platform_item_id}
                          <span className="block text-xs text-slate-500 dark:text-slate-400">item {s.platform_item_id}</span>
                        </td>
                        <td className="py-2 pr-3">{label(s.account_id)}</td>
                        <td className="py-2 pr-3 capitalize">{s.platform}</td>
                        <td className="whitespace-nowrap py-2 pr-3 text-right tabular-nums">{s.price === null ? "—" : `${s.price.toFixed(2)} ${s.currency}`}</td>
                        <td className="break-words py-2 pr-3 [overflow-wrap:anywhere]">{s.buyer || "—"}</td>
                        <td className="py-2">
                          {path ? (
                            <Link to={path} className="text-indigo-700 hover:underline dark:text-indigo-300" aria-label={`Draft of ${s.title}`}>
                              Open
                            </Link>
                          ) : (
                            <span className="text-slate-400" title="Not from a Sellpilot draft">—</span>
                          )}
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
            {list.data.total > PAGE && (
              <nav aria-label="Pages" className="mt-4 flex items-center justify-center gap-3">
                <Button variant="secondary" disabled={offset === 0} onClick={() => page(Math.max(0, offset - PAGE))}>
                  Previous
                </Button>
                <span className="text-sm">
                  {offset + 1}–{Math.min(offset + PAGE, list.data.total)} of {list.data.total}
                </span>
                <Button variant="secondary" disabled={offset + PAGE >= list.data.total} onClick={() => page(offset + PAGE)}>
                  Next
                </Button>
              </nav>
            )}
          </>
        )}
      </Card>
    </>
  );
}
