import { Link } from "react-router";
import { useQuery } from "@tanstack/react-query";
import { billing, jobs, listings } from "../api/endpoints";
import { ApiError } from "../api/client";
import { useAuth } from "../lib/auth";
import { JobRow, QuotaBars } from "../components/jobs";
import { Card, Empty, ErrorState, Loading, PageHeader } from "../components/ui";

function Stat({ label, value, to }: { label: string; value: number | string | undefined; to: string }) {
  return (
    <Link to={to} className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm hover:border-indigo-300 dark:border-slate-800 dark:bg-slate-900">
      <p className="text-sm text-slate-500 dark:text-slate-400">{label}</p>
      <p className="mt-1 text-2xl font-semibold tabular-nums">{value ?? "…"}</p>
    </Link>
  );
}

export function DashboardPage() {
  const { me, canManage } = useAuth();
  const drafts = useQuery({ queryKey: ["listings", "count", "draft"], queryFn: () => listings.list({ status: "draft", limit: 1 }) });
  const published = useQuery({ queryKey: ["listings", "count", "published"], queryFn: () => listings.list({ status: "published", limit: 1 }) });
  const stats = useQuery({ queryKey: ["dashboard", "stats"], queryFn: jobs.statistics });
  const recent = useQuery({ queryKey: ["jobs", "list", { limit: 5 }], queryFn: () => jobs.list({ limit: 5 }) });
  const plan = useQuery({ queryKey: ["billing"], queryFn: billing.get, enabled: canManage });

  const running = stats.data ? (stats.data.counts.running ?? 0) + (stats.data.counts.pending ?? 0) + (stats.data.counts.retrying ?? 0) : undefined;

  return (
    <>
      <PageHeader title={`Hello${me?.user.full_name ? `, ${me.user.full_name}` : ""}`}>
        <Link to="/upload" className="rounded-md bg-indigo-600 px-3 py-2 text-sm font-medium text-white hover:bg-indigo-500">
          New drafts from photos
        </Link>
      </PageHeader>
      <div className="grid grid-cols-2 gap-3 lg:grid-cols-4">
        <Stat label="Drafts" value={drafts.data?.total} to="/drafts" />
        <Stat label="Published" value={published.data?.total} to="/drafts?status=published" />
        <Stat label="Jobs running" value={running} to="/jobs" />
        <Stat label="Success rate" value={stats.data ? (stats.data.success_rate == null ? "—" : `${Math.round(stats.data.success_rate * 100)}%`) : undefined} to="/jobs" />
      </div>
      <div className="mt-6 grid gap-6 lg:grid-cols-2">
        <Card title="Recent jobs">
          {recent.isPending ? (
            <Loading />
          ) : recent.isError ? (
            <ErrorState error={recent.error} onRetry={() => recent.refetch()} />
          ) : recent.data.items.length === 0 ? (
            <Empty title="No jobs yet">Upload photos to get your first drafts.</Empty>
          ) : (
            <ul className="divide-y divide-slate-200 dark:divide-slate-800">
              {recent.data.items.map((job) => (
                <JobRow key={job.id} job={job} />
              ))}
            </ul>
          )}
        </Card>
        <Card title="Plan and usage">
          {!canManage ? (
            <Empty title="Usage is visible to owners and admins" />
          ) : plan.isPending ? (
            <Loading />
          ) : plan.isError ? (
            plan.error instanceof ApiError && plan.error.status === 403 ? (
              <Empty title="Usage is visible to owners and admins" />
            ) : (
              <ErrorState error={plan.error} onRetry={() => plan.refetch()} />
            )
          ) : (
            <>
              <p className="mb-4 text-sm">
                Plan: <strong>{plan.data.plan_title}</strong> · {plan.data.period}{" "}
                <Link to="/billing" className="text-indigo-600 hover:underline dark:text-indigo-400">
                  Manage
                </Link>
              </p>
              <QuotaBars limits={plan.data.limits} />
            </>
          )}
        </Card>
      </div>
    </>
  );
}
