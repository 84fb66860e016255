import { useState } from "react";
import { Link } from "react-router";
import { useQueryClient } from "@tanstack/react-query";
import { jobs } from "../api/endpoints";
import { errorMessage } from "../api/client";
import { useJobProgress } from "../lib/events";
import { failedItems, producedItems } from "../lib/progress";
import { useToast } from "./toast";
import { Button, ProgressBar, Spinner, StatusBadge } from "./ui";

/** Live progress of one job over SSE: bar, items as they are produced, failures, cancel and retry. */
export function JobProgress({ jobId, title = "Progress" }: { jobId: string; title?: string }) {
  const [session, setSession] = useState(0);
  const state = useJobProgress(jobId, session);
  const toast = useToast();
  const queryClient = useQueryClient();
  const [busy, setBusy] = useState<"cancel" | "retry" | null>(null);

  if (!state) return null;
  const produced = producedItems(state);
  const failures = failedItems(state);

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

  return (
    <section aria-labelledby={`job-${jobId}-title`} className="space-y-4 rounded-lg border border-slate-200 bg-white p-4 shadow-sm dark:border-slate-800 dark:bg-slate-900" data-testid="job-progress">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h2 id={`job-${jobId}-title`} className="text-base font-semibold">
          {title}
        </h2>
        <div className="flex items-center gap-2">
          {state.status === "connecting" ? <Spinner small label="Connecting…" /> : <StatusBadge status={state.status} />}
          {!state.terminal && state.status !== "connecting" && (
            <Button variant="secondary" busy={busy === "cancel"} onClick={() => act("cancel")}>
              Cancel
            </Button>
          )}
          {state.status === "failed" && (
            <Button variant="secondary" busy={busy === "retry"} onClick={() => act("retry")}>
              Retry
            </Button>
          )}
        </div>
      </div>
      <div>
        <ProgressBar value={state.percent} label="Job progress" tone={state.status === "failed" ? "rose" : "indigo"} />
        <p className="mt-1 text-sm tabular-nums text-slate-600 dark:text-slate-400" data-testid="job-progress-text">
          {state.percent}% · {state.done} of {state.total} done{state.failed ? ` · ${state.failed} failed` : ""}
        </p>
      </div>
      {state.error && (
        <p role="alert" className="text-sm text-rose-700 dark:text-rose-300">
          {state.error}
        </p>
      )}
      {produced.length > 0 && (
        <div>
          <h3 className="mb-2 text-sm font-medium">Drafts ready</h3>
          <ul className="space-y-1" data-testid="job-items">
            {produced.map((item) => (
              <li key={item.key} className="text-sm">
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
      {failures.length > 0 && (
        <div>
          <h3 className="mb-2 text-sm font-medium text-rose-700 dark:text-rose-300">Failed</h3>
          <ul className="space-y-1" data-testid="job-failures">
            {failures.map((item) => (
              <li key={item.key} className="text-sm">
                <span className="font-mono text-xs">{item.key}</span>: {item.error ?? "failed"}
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}
