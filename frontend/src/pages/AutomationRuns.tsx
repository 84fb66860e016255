/** Run history: each run of a rule (a job), filterable; expanding one shows what it did to each target. */
import { useState } from "react";
import { Link, useSearchParams } from "react-router";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { accounts as accountsApi, jobs, type JobItem } from "../api/endpoints";
import { rules, type Run, type RunOutcome } from "../api/automation";
import { Badge, Button, Card, Empty, ErrorState, Loading, PageHeader, SelectField, formatDate } from "../components/ui";
import { kindName, RULE_KINDS, outcomeTone, summaryText } from "../lib/automation";

const PAGE = 25;
// Every outcome, each once, checked against the API's: an outcome it adds fails typecheck until it is here.
const OUTCOME_SET = { succeeded: true, partial: true, failed: true, paused: true, running: true, pending: true, skipped: true } as const satisfies Record<RunOutcome, true>;
const OUTCOMES = Object.keys(OUTCOME_SET) as RunOutcome[];
const FILTERS = ["rule_id", "account_id", "kind", "outcome"] as const;

const show = (value: unknown): string => (value === null || value === undefined || value === "" ? "" : typeof value === "object" ? JSON.stringify(value) : String(value));

/** One target's result in words: "Blue jacket · price changed · 20.00 → 18.00", the message sent, a link to the item. */
export function resultText(item: JobItem): { action: string; target: string; change: string; note: string; url: string | null } {
  const r = item.result && typeof item.result === "object" ? (item.result as Record<string, unknown>) : {};
  const from = show(r.from);
  const to = show(r.to);
  const known = new Set(["target", "action", "from", "to", "title", "listing_id", "reason", "text", "url", "found_sent", "subject"]);
  const extra = Object.entries(r)
    .filter(([k, v]) => !known.has(k) && v !== null && v !== undefined && v !== "" && typeof v !== "object")
    .map(([k, v]) => `${k.replace(/_/g, " ")}: ${String(v)}`);
  const text = show(r.text);
  return {
    action: show(r.action).replace(/_/g, " "),
    target: show(r.title) || show(r.target) || item.label,
    change: from || to ? `${from || "—"} → ${to || "—"}` : "",
    note: [show(r.reason), text ? `“${text}”` : "", ...extra].filter(Boolean).join(" · "),
    url: typeof r.url === "string" && /^https?:\/\//.test(r.url) ? r.url : null,
  };
}

export function RunResults({ jobId }: { jobId: string }) {
  const items = useQuery({ queryKey: ["jobs", "items", jobId, "run"], queryFn: () => jobs.items(jobId, { limit: 100 }) });
  if (items.isPending) return <Loading label="Loading results…" />;
  if (items.isError) return <ErrorState error={items.error} onRetry={() => items.refetch()} />;
  if (items.data.items.length === 0) return <p className="text-sm text-slate-500 dark:text-slate-400">This run had nothing to do.</p>;
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-sm" data-testid="run-results">
        <thead className="text-xs uppercase text-slate-500">
          <tr>
            <th className="py-1 pr-3 font-medium">Target</th>
            <th className="py-1 pr-3 font-medium">Action</th>
            <th className="py-1 pr-3 font-medium">Change</th>
            <th className="py-1 font-medium">Note</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-200 dark:divide-slate-800">
          {items.data.items.map((item) => {
            const t = resultText(item);
            const failed = item.status === "failed";
            return (
              <tr key={item.key} data-testid="run-result" className={failed ? "text-rose-700 dark:text-rose-300" : ""}>
                <td className="break-words py-1 pr-3 [overflow-wrap:anywhere]">{t.target}</td>
                <td className="py-1 pr-3">{failed ? "failed" : t.action || "done"}</td>
                <td className="py-1 pr-3 tabular-nums">{t.change}</td>
                <td className="break-words py-1 [overflow-wrap:anywhere]">
                  {failed ? (item.error ?? "") : t.note}
                  {!failed && t.url && (
                    <>
                      {t.note ? " · " : ""}
                      <a className="text-indigo-700 underline dark:text-indigo-300" href={t.url} target="_blank" rel="noreferrer">
                        on the platform
                      </a>
                    </>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {items.data.total > items.data.items.length && (
        <p className="mt-2 text-xs text-slate-500">
          {items.data.items.length} of {items.data.total} shown ·{" "}
          <Link className="underline" to={`/jobs/${jobId}`}>
            all of them
          </Link>
        </p>
      )}
    </div>
  );
}

function RunRow({ run }: { run: Run }) {
  const [open, setOpen] = useState(false);
  const summary = summaryText(run.summary);
  return (
    <li className="relative py-3 pl-6" data-testid="run-row">
      <span aria-hidden className={`absolute left-1 top-4 h-2.5 w-2.5 rounded-full ${run.outcome === "failed" ? "bg-rose-500" : run.outcome === "succeeded" ? "bg-emerald-500" : "bg-amber-400"}`} />
      <div className="flex flex-col gap-1 sm:flex-row sm:items-center sm:gap-3">
        <div className="min-w-0 flex-1">
          <p className="flex flex-wrap items-center gap-2">
            <span className="font-medium">{run.rule_name}</span>
            <span className="text-xs text-slate-500">{kindName(run.kind)}</span>
            <Badge tone={outcomeTone(run.outcome)}>{run.outcome}</Badge>
          </p>
          <p className="text-xs text-slate-500 dark:text-slate-400">
            {formatDate(run.started_at ?? run.created_at)}
            {run.slot ? ` · slot ${formatDate(run.slot)}` : " · run now"}
            {summary ? ` · ${summary}` : ""}
          </p>
          {run.error && <p className="break-words text-xs text-rose-700 [overflow-wrap:anywhere] dark:text-rose-300">{run.error}</p>}
        </div>
        <div className="flex gap-2">
          <Button variant="ghost" aria-expanded={open} onClick={() => setOpen((o) => !o)}>
            {open ? "Hide results" : "Show results"}
          </Button>
          <Link className="self-center text-xs text-indigo-700 underline dark:text-indigo-300" to={`/jobs/${run.job_id}`}>
            job
          </Link>
        </div>
      </div>
      {open && (
        <div className="mt-2">
          <RunResults jobId={run.job_id} />
        </div>
      )}
    </li>
  );
}

export function AutomationRunsPage() {
  const [params, setParams] = useSearchParams();
  const filters = Object.fromEntries(FILTERS.map((f) => [f, params.get(f) ?? ""])) as Record<(typeof FILTERS)[number], string>;
  const offset = Number(params.get("offset") ?? 0) || 0;
  const query = { ...filters, limit: PAGE, offset };
  const list = useQuery({ queryKey: ["automation", "runs", query], queryFn: () => rules.runs(query), placeholderData: keepPreviousData });
  const ruleList = useQuery({ queryKey: ["automation", "rules", "list"], queryFn: () => rules.list({ limit: 100 }) });
  const accountList = useQuery({ queryKey: ["accounts", "list", { status: "" }], queryFn: () => accountsApi.list({ status: "", limit: 100 }), retry: false });
  const setFilter = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    next.delete("offset");
    setParams(next, { replace: true });
  };
  const page = (to: number) => {
    const next = new URLSearchParams(params);
    next.set("offset", String(Math.max(0, to)));
    setParams(next);
  };
  return (
    <>
      <PageHeader title="Run history">
        <Link to="/automation" className="text-sm text-indigo-600 underline dark:text-indigo-400">
          Rules
        </Link>
      </PageHeader>
      <div className="mb-4 grid gap-3 sm:grid-cols-4">
        <SelectField label="Rule" value={filters.rule_id} onChange={(e) => setFilter("rule_id", e.target.value)}>
          <option value="">Any</option>
          {(ruleList.data?.items ?? []).map((r) => (
            <option key={r.id} value={r.id}>
              {r.name}
            </option>
          ))}
        </SelectField>
        <SelectField label="Account" value={filters.account_id} onChange={(e) => setFilter("account_id", e.target.value)}>
          <option value="">Any</option>
          {(accountList.data?.items ?? []).map((a) => (
            <option key={a.id} value={a.id}>
              {a.label || a.login}
            </option>
          ))}
        </SelectField>
        <SelectField label="Kind" value={filters.kind} onChange={(e) => setFilter("kind", e.target.value)}>
          <option value="">Any</option>
          {RULE_KINDS.map((k) => (
            <option key={k.kind} value={k.kind}>
              {k.label}
            </option>
          ))}
        </SelectField>
        <SelectField label="Outcome" value={filters.outcome} onChange={(e) => setFilter("outcome", e.target.value)}>
          <option value="">Any</option>
          {OUTCOMES.map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </SelectField>
      </div>
      <Card>
        {list.isPending ? (
          <Loading />
        ) : list.isError ? (
          <ErrorState error={list.error} onRetry={() => list.refetch()} />
        ) : list.data.items.length === 0 ? (
          <Empty title="No runs here">Runs appear as rules run on their schedule, or when you press Run now.</Empty>
        ) : (
          <>
            <ol className="divide-y divide-slate-200 border-l border-slate-200 dark:divide-slate-800 dark:border-slate-800" data-testid="runs-list">
              {list.data.items.map((run) => (
                <RunRow key={run.job_id} run={run} />
              ))}
            </ol>
            {list.data.total > PAGE && (
              <nav aria-label="Pages" className="mt-4 flex items-center justify-center gap-3">
                <Button variant="secondary" disabled={offset === 0} onClick={() => page(offset - PAGE)}>
                  Previous
                </Button>
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
