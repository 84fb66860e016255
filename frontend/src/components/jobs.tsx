import type { ReactNode } from "react";
import { Link } from "react-router";
import type { Job, Limit } from "../api/endpoints";
import { jobSummary, kindLabel, type JobCounts, type JobSummary } from "../lib/jobs";
import { accountPath } from "../lib/paths";
import { Badge, ProgressBar, formatDate } from "./ui";

export { kindLabel };

/** The status badge that tells the whole outcome ("completed with 1 failure", not "succeeded"). */
export function JobStatusBadge({ summary }: { summary: JobSummary }) {
  return (
    <span data-testid="job-status">
      <Badge tone={summary.tone}>{summary.label}</Badge>
    </span>
  );
}

/**
 * Progress in parts that add up: done, failed (distinct), skipped; the value a
 * screen reader hears is the share finished (done + failed + skipped).
 */
export function JobBar({ job, label }: { job: JobCounts; label: string }) {
  const s = jobSummary(job);
  const share = (n: number) => (s.total ? (n / s.total) * 100 : 0);
  const finished = s.finished ? 100 : Math.round(share(s.done + s.failed));
  const parts: [string, number, string][] = [
    ["done", share(s.done), job.status === "failed" && !s.failed ? "bg-rose-500" : "bg-indigo-600"],
    ["failed", share(s.failed), "bg-rose-500"],
    ["skipped", share(s.skipped), "bg-slate-400 dark:bg-slate-600"],
  ];
  return (
    <div
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={finished}
      aria-valuetext={s.countsText || s.label}
      className="flex h-2.5 w-full overflow-hidden rounded-full bg-slate-200 dark:bg-slate-800"
    >
      {parts.map(([name, width, color]) =>
        width > 0 ? <div key={name} data-part={name} className={`h-full ${color} transition-[width] duration-300`} style={{ width: `${width}%` }} /> : null,
      )}
    </div>
  );
}

/** Links to what a job acts on or produced: its draft, its account, the platform listing. */
export function JobLinks({ job }: { job: Pick<Job, "kind" | "account_id" | "listing_id" | "result" | "status"> }) {
  const result = job.result && typeof job.result === "object" ? (job.result as Record<string, unknown>) : {};
  const url = typeof result.url === "string" && /^https?:\/\//.test(result.url) ? result.url : null;
  const links: { key: string; node: ReactNode }[] = [];
  const cls = "text-indigo-700 underline dark:text-indigo-300";
  if (job.kind === "listings.analyze" && job.status === "succeeded") {
    links.push({ key: "drafts", node: <Link className={cls} to="/drafts">Drafts</Link> });
  }
  if (job.listing_id) links.push({ key: "listing", node: <Link className={cls} to={`/drafts/${job.listing_id}`}>The draft</Link> });
  if (job.account_id) links.push({ key: "account", node: <Link className={cls} to="/accounts">The account</Link> });
  if (url)
    links.push({
      key: "url",
      node: (
        <a className={`${cls} break-all`} href={url} target="_blank" rel="noreferrer">
          On the platform
        </a>
      ),
    });
  if (links.length === 0) return null;
  return (
    <span className="flex flex-wrap gap-x-3 gap-y-1 text-xs" data-testid="job-links">
      {links.map((l) => (
        <span key={l.key}>{l.node}</span>
      ))}
    </span>
  );
}

/** A paused job's line in a list: why it waits (the record's error holds the reason) and where to resume it. */
export function JobPausedNote({ job }: { job: Pick<Job, "error" | "account_id"> }) {
  return (
    <p className="text-xs text-amber-800 dark:text-amber-200" data-testid="job-paused-note">
      {job.error && <span className="break-words [overflow-wrap:anywhere]">{job.error}</span>}
      {job.error && job.account_id ? " · " : ""}
      {job.account_id && (
        <Link className="font-medium underline" to={accountPath(job.account_id)}>
          Resume account
        </Link>
      )}
    </p>
  );
}

export function JobRow({ job }: { job: Job }) {
  const summary = jobSummary(job);
  return (
    <li className="flex flex-col gap-2 py-3 sm:flex-row sm:items-center sm:gap-4" data-testid="job-row">
      <div className="min-w-0 flex-1">
        <Link to={`/jobs/${job.id}`} className="font-medium text-indigo-700 hover:underline dark:text-indigo-300">
          {kindLabel(job.kind)}
        </Link>
        <p className="text-xs text-slate-500 dark:text-slate-400">
          {formatDate(job.created_at)}
          {summary.countsText ? ` · ${summary.countsText}` : ""}
        </p>
        {job.status === "paused" && <JobPausedNote job={job} />}
        <JobLinks job={job} />
      </div>
      <div className="w-full sm:w-40">
        <JobBar job={job} label={`Progress of job ${job.id}`} />
      </div>
      <div className="shrink-0 self-start sm:self-auto">
        <JobStatusBadge summary={summary} />
      </div>
    </li>
  );
}

export function QuotaBars({ limits }: { limits: Limit[] }) {
  return (
    <ul className="space-y-4">
      {limits.map((limit) => {
        const pct = limit.limit > 0 ? (limit.used / limit.limit) * 100 : 0;
        return (
          <li key={limit.resource} data-testid={`quota-${limit.resource}`}>
            <div className="mb-1 flex justify-between gap-2 text-sm">
              <span className="inline-block first-letter:uppercase">{limit.label}</span>
              <span className="tabular-nums text-slate-600 dark:text-slate-400" data-testid={`quota-${limit.resource}-used`}>
                {limit.used} / {limit.limit}
              </span>
            </div>
            <ProgressBar value={pct} label={limit.label} tone={pct >= 100 ? "rose" : pct >= 80 ? "amber" : "indigo"} />
          </li>
        );
      })}
    </ul>
  );
}
