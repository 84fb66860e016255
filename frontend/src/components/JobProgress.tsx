import { useEffect, useRef, useState } from "react";
import { Link } from "react-router";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { jobs, type Job } from "../api/endpoints";
import { errorMessage } from "../api/client";
import { useJobProgress } from "../lib/events";
import { jobSummary, type JobCounts, type JobSummary } from "../lib/jobs";
import { accountPath } from "../lib/paths";
import { failedItems, producedItems, type ProgressItem } from "../lib/progress";
import { JobBar, JobLinks, JobStatusBadge } from "./jobs";
import { useToast } from "./toast";
import { Button, Spinner } from "./ui";

/** Long text (a platform's error page, a stack of reasons) wraps and scrolls inside its box, never widens the page. */
export const WRAPPED_TEXT = "max-h-48 overflow-auto whitespace-pre-wrap break-words [overflow-wrap:anywhere]";

export interface JobProgressViewProps {
  title: string;
  job: JobCounts;
  connecting?: boolean;
  /** why the job failed (or is being retried); shown once */
  error?: string | null;
  /** why a paused job waits */
  pausedReason?: string | null;
  produced?: ProgressItem[];
  failures?: ProgressItem[];
  record?: Pick<Job, "kind" | "account_id" | "listing_id" | "result" | "status"> | null;
  busy?: "cancel" | "retry" | null;
  onCancel?: () => void;
  onRetry?: () => void;
}

/** What a job's progress card shows, from whatever is known of the job (pure: no requests). */
export function JobProgressView({ title, job, connecting = false, error, pausedReason, produced = [], failures = [], record, busy, onCancel, onRetry }: JobProgressViewProps) {
  const summary = jobSummary(job);
  const titleId = `job-progress-title-${title.replace(/\W+/g, "-")}`;
  // One message per reason: a failed item whose reason is the job's own is not listed again.
  const shownError = error?.trim() || null;
  const otherFailures = failures.filter((item) => !shownError || (item.error ?? "").trim() !== shownError);
  return (
    <section aria-labelledby={titleId} className="min-w-0 space-y-4 rounded-lg border border-slate-200 bg-white p-4 shadow-sm dark:border-slate-800 dark:bg-slate-900" data-testid="job-progress">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h2 id={titleId} className="text-base font-semibold">
          {title}
        </h2>
        <div className="flex flex-wrap items-center gap-2">
          {connecting ? <Spinner small label="Connecting…" /> : <JobStatusBadge summary={summary} />}
          {!summary.finished && !connecting && onCancel && (
            <Button variant="secondary" busy={busy === "cancel"} onClick={onCancel}>
              Cancel
            </Button>
          )}
          {job.status === "failed" && onRetry && (
            <Button variant="secondary" busy={busy === "retry"} onClick={onRetry}>
              Retry
            </Button>
          )}
        </div>
      </div>
      <div>
        <JobBar job={job} label="Job progress" />
        <p className="mt-1 text-sm tabular-nums text-slate-600 dark:text-slate-400" data-testid="job-progress-text">
          {summary.countsText}
        </p>
      </div>
      {job.status === "paused" && (
        <div role="status" className="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100" data-testid="job-paused">
          <p className="font-medium">Paused: waiting for you</p>
          {pausedReason && <p className={`mt-1 ${WRAPPED_TEXT}`}>{pausedReason}</p>}
          <p className="mt-1">
            {pausedReason ? "" : "Fix it on the platform, then resume the account. "}
            {/* The account's own row, where Resume is; before the record says which account, the list. */}
            <Link className="font-medium underline" to={record?.account_id ? accountPath(record.account_id) : "/accounts"}>
              {record?.account_id ? "Resume account" : "Go to accounts"}
            </Link>{" "}
            — once resumed, the work goes on from where it stopped.
          </p>
        </div>
      )}
      {shownError && job.status !== "paused" && (
        <div role="alert" className="rounded-md border border-rose-300 bg-rose-50 p-3 text-sm text-rose-800 dark:border-rose-800 dark:bg-rose-950 dark:text-rose-200" data-testid="job-error">
          <p className={WRAPPED_TEXT}>{shownError}</p>
        </div>
      )}
      {record && <JobLinks job={record} />}
      {produced.length > 0 && (
        <div>
          <h3 className="mb-2 text-sm font-medium">Drafts ready</h3>
          <ul className="space-y-1" data-testid="job-items">
            {produced.map((item) => (
              <li key={item.key} className="break-words text-sm">
                {item.listingId ? (
                  <Link className="text-indigo-700 hover:underline dark:text-indigo-300" to={`/drafts/${item.listingId}`}>
                    {item.title ?? item.key}
                  </Link>
                ) : (
                  item.title ?? item.key
                )}
              </li>
            ))}
          </ul>
        </div>
      )}
      {otherFailures.length > 0 && (
        <div>
          <h3 className="mb-2 text-sm font-medium text-rose-700 dark:text-rose-300">Failed</h3>
          <ul className="space-y-2" data-testid="job-failures">
            {otherFailures.map((item) => (
              <li key={item.key} className={`text-sm ${WRAPPED_TEXT}`}>
                <span className="font-mono text-xs">{item.key}</span>: {item.error ?? "failed"}
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}

/** Live progress of one job over SSE (bar, items, failures, cancel and retry), with its record for reasons and links. */
export function JobProgress({
  jobId,
  title = "Progress",
  onFinished,
  showItems = true,
}: {
  jobId: string;
  title?: string;
  onFinished?: (summary: JobSummary) => void;
  /** the items seen live; off where the page lists every item from the API (the job page) */
  showItems?: boolean;
}) {
  const [session, setSession] = useState(0);
  const state = useJobProgress(jobId, session);
  const record = useQuery({ queryKey: ["jobs", "one", jobId], queryFn: () => jobs.get(jobId) });
  const toast = useToast();
  const queryClient = useQueryClient();
  const [busy, setBusy] = useState<"cancel" | "retry" | null>(null);
  const live = state && state.status !== "connecting" ? state : null;
  const job: JobCounts | null = live
    ? { status: live.status, total: live.total, done: live.done, failed: live.failed }
    : record.data ?? null;
  const finished = job ? jobSummary(job).finished : false;

  // The record carries the final reason and result: fetch it again once the job ends or parks.
  const parked = live?.terminal || live?.status === "paused";
  useEffect(() => {
    if (parked) void queryClient.invalidateQueries({ queryKey: ["jobs", "one", jobId] });
  }, [parked, jobId, queryClient]);

  const told = useRef<string | null>(null);
  useEffect(() => {
    if (job && live && finished && told.current !== `${jobId}:${session}`) {
      told.current = `${jobId}:${session}`;
      onFinished?.(jobSummary(job));
    }
  }, [job, live, finished, jobId, session, onFinished]);

  if (!job) return null;

  const act = async (kind: "cancel" | "retry") => {
    setBusy(kind);
    try {
      if (kind === "cancel") {
        await jobs.cancel(jobId);
        toast.show("Job cancelled");
      } else {
        await jobs.retry(jobId);
        toast.show("Retrying the failed items");
        setSession((s) => s + 1);
      }
      void queryClient.invalidateQueries({ queryKey: ["jobs"] });
    } catch (error) {
      toast.error(errorMessage(error));
    } finally {
      setBusy(null);
    }
  };

  const fromRecord = record.data && record.data.status === job.status ? record.data.error : null;
  return (
    <JobProgressView
      title={title}
      job={job}
      connecting={!live && !record.data}
      error={job.status === "paused" ? null : (live?.error ?? fromRecord)}
      pausedReason={live?.pausedReason ?? (job.status === "paused" ? fromRecord : null)}
      produced={state && showItems ? producedItems(state) : []}
      failures={state && showItems ? failedItems(state) : []}
      record={record.data ? { ...record.data, status: job.status as Job["status"] } : null}
      busy={busy}
      onCancel={() => void act("cancel")}
      onRetry={() => void act("retry")}
    />
  );
}
