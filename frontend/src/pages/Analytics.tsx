/**
 * Analytics: totals against the previous period, activity per day, the weekday × hour heatmap, top and
 * bottom listings, categories, brands, accounts and listings to reprice. The filters live in the address.
 */
import { Link } from "react-router";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { analytics, type DashboardOut } from "../api/analytics";
import { browserZone, dashboardQuery, localDate } from "../lib/analytics";
import { ageText, secondsSince } from "../lib/time";
import { FilterBar, useFilters } from "../components/analytics/Filters";
import { TotalCards } from "../components/analytics/Totals";
import { SeriesChart } from "../components/analytics/SeriesChart";
import { Heatmap } from "../components/analytics/Heatmap";
import { RankingTables, RepriceList } from "../components/analytics/Listings";
import { AccountsTable, BreakdownBars } from "../components/analytics/Breakdowns";
import { DashboardSkeleton } from "../components/analytics/Skeleton";
import { HowDataArrives } from "../components/analytics/HowDataArrives";
import { Card, Empty, ErrorState, PageHeader, Spinner } from "../components/ui";

const quiet = (t: DashboardOut["totals"]) => t.views + t.likes + t.messages + t.follows + t.sales === 0 && t.revenue === 0;

/** Nothing happened in the period nor in the one before: explain where data comes from instead of empty charts. */
export function isEmpty(data: DashboardOut): boolean {
  return quiet(data.totals) && quiet(data.previous_totals) && data.accounts.length === 0;
}

/** How fresh the numbers are: each account is read every N minutes (the plan), last at … */
export function syncLine(data: DashboardOut, now: number = Date.now()): string {
  const every = data.sync_every_minutes % 60 === 0 ? `${data.sync_every_minutes / 60} h` : `${data.sync_every_minutes} min`;
  const last = data.last_synced_at ? `last read ${ageText(secondsSince(data.last_synced_at, now))}` : "not read yet";
  return `Accounts' numbers are read every ${every}; ${last}.`;
}

function Dashboard({ data }: { data: DashboardOut }) {
  return (
    <div className="space-y-6" data-testid="dashboard">
      <TotalCards data={data} />
      <Card title="Per day">
        <SeriesChart series={data.series} />
      </Card>
      <div className="grid gap-6 xl:grid-cols-2">
        <Card title="When buyers look and buy">
          <Heatmap cells={data.heatmap} tz={data.period.tz} />
        </Card>
        <Card title="Reprice?">
          <RepriceList rows={data.reprice} minViews={data.reprice_min_views} />
        </Card>
      </div>
      <Card title="Listings">
        <RankingTables top={data.top} bottom={data.bottom} />
      </Card>
      <div className="grid gap-6 xl:grid-cols-2">
        <Card title="Categories">
          <BreakdownBars rows={data.categories} label="Views and sales by category" />
        </Card>
        <Card title="Brands">
          <BreakdownBars rows={data.brands} label="Views and sales by brand" />
        </Card>
      </div>
      <Card title="Accounts">
        <AccountsTable rows={data.accounts} />
      </Card>
    </div>
  );
}

export function AnalyticsPage() {
  const { filters, update } = useFilters();
  const query = dashboardQuery(filters, localDate(new Date()), browserZone());
  const dashboard = useQuery({ queryKey: ["analytics", "dashboard", query], queryFn: () => analytics.dashboard(query), placeholderData: keepPreviousData });
  const filtered = !!(filters.account || filters.platform);
  return (
    <>
      <PageHeader title="Analytics">
        {dashboard.isFetching && !dashboard.isPending && <Spinner small label="Updating…" />}
        <Link to="/sales" className="rounded-md px-3 py-2 text-sm font-medium text-indigo-700 hover:bg-slate-100 dark:text-indigo-300 dark:hover:bg-slate-800">
          Sales
        </Link>
      </PageHeader>
      <FilterBar filters={filters} update={update} />
      {dashboard.isPending ? (
        <DashboardSkeleton />
      ) : dashboard.isError ? (
        <ErrorState error={dashboard.error} onRetry={() => dashboard.refetch()} />
      ) : (
        <>
          <p className="mb-4 text-sm text-slate-500 dark:text-slate-400" data-testid="period">
            {dashboard.data.period.from} – {dashboard.data.period.to} ({dashboard.data.period.days} days, {dashboard.data.period.tz}), compared with{" "}
            {dashboard.data.previous_period.from} – {dashboard.data.previous_period.to}
            <span className="block" data-testid="freshness">
              {syncLine(dashboard.data)}
            </span>
          </p>
          {isEmpty(dashboard.data) ? (
            <Empty title={filtered ? "No activity for these filters in this period" : "No activity in this period yet"}>
              {filtered ? <p className="mb-3">Try another account, platform or a longer period.</p> : null}
              <HowDataArrives />
            </Empty>
          ) : (
            <Dashboard data={dashboard.data} />
          )}
        </>
      )}
    </>
  );
}
