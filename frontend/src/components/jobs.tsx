import { Link } from "react-router";
import type { Job, Limit } from "../api/endpoints";
import { ProgressBar, StatusBadge, formatDate } from "./ui";

export const KIND_LABELS: Record<string, string> = {
  "listings.analyze": "Drafts from photos",
};

export function kindLabel(kind: string): string {
  return KIND_LABELS[kind] ?? kind.replace(/[._]/g, " ");
}

export function JobRow({ job }: { job: Job }) {
  return (
    <li className="flex flex-col gap-2 py-3 sm:flex-row sm:items-center sm:gap-4">
      <div className="min-w-0 flex-1">
        <Link to={`/jobs/${job.id}`} className="font-medium text-indigo-700 hover:underline dark:text-indigo-300">
          {kindLabel(job.kind)}
        </Link>
        <p className="text-xs text-slate-500 dark:text-slate-400">
          {formatDate(job.created_at)} · {job.done}/{job.total} done{job.failed ? ` · ${job.failed} failed` : ""}
        </p>
      </div>
      <div className="w-full sm:w-40">
        <ProgressBar value={job.progress * 100} label={`Progress of job ${job.id}`} tone={job.status === "failed" ? "rose" : "indigo"} />
      </div>
      <div className="shrink-0 self-start sm:self-auto">
        <StatusBadge status={job.status} />
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
