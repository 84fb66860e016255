import { useEffect, useRef } from "react";
import { Link } from "react-router";
import { useInfiniteQuery, useQueryClient } from "@tanstack/react-query";
import { jobs, type JobItem } from "../api/endpoints";
import { WRAPPED_TEXT } from "./JobProgress";
import { Button, Card, ErrorState, Loading } from "./ui";

export const ITEMS_PAGE = 50;

/** The draft an item made (an analyze item's result names it), if any. */
export function itemDraftId(item: JobItem): string | null {
  const result = item.result && typeof item.result === "object" ? (item.result as Record<string, unknown>) : {};
  return typeof result.listing_id === "string" ? result.listing_id : null;
}

function itemTitle(item: JobItem): string {
  const result = item.result && typeof item.result === "object" ? (item.result as Record<string, unknown>) : {};
  return typeof result.title === "string" && result.title ? result.title : item.label;
}

export interface JobItemsViewProps {
  items: JobItem[];
  total: number;
  hasMore?: boolean;
  loadingMore?: boolean;
  onMore?: () => void;
  /** The job's own error, already shown above: an item failing for the same reason does not repeat it. */
  jobError?: string | null;
  /** The job has ended: with no items (a job that failed before its first), there is nothing to list. */
  jobFinished?: boolean;
}

export const SAME_REASON = "Failed for the reason shown above.";

/** What each item did (pure: no requests): failures with their reason, then done items, drafts linked. */
export function JobItemsView({ items, total, hasMore = false, loadingMore = false, onMore, jobError = null, jobFinished = false }: JobItemsViewProps) {
  const failed = items.filter((item) => item.status === "failed");
  const done = items.filter((item) => item.status !== "failed");
  const shownError = jobError?.trim() || null;
  const repeatsJobError = (item: JobItem) => shownError !== null && (item.error ?? "").trim() === shownError;
  // A one-item job that failed for the job's own reason: the card above says it all.
  if (total === 1 && failed.length === 1 && failed.every(repeatsJobError)) return null;
  if (total === 0 && jobFinished) return null;
  return (
    <Card title="Items" className="min-w-0">
      {total === 0 ? (
        <p className="text-sm text-slate-500 dark:text-slate-400">No items finished yet.</p>
      ) : (
        <div className="space-y-4">
          {failed.length > 0 && (
            <div>
              <h3 className="mb-2 text-sm font-medium text-rose-700 dark:text-rose-300">Failed</h3>
              <ul className="space-y-2" data-testid="job-item-failures">
                {failed.map((item) => (
                  <li key={item.key} className="rounded-md border border-rose-300 bg-rose-50 p-3 text-sm text-rose-800 dark:border-rose-800 dark:bg-rose-950 dark:text-rose-200" data-testid="job-item">
                    <p className="break-words font-medium [overflow-wrap:anywhere]">{item.label}</p>
                    <p className={`mt-1 ${WRAPPED_TEXT}`}>{repeatsJobError(item) ? SAME_REASON : (item.error ?? "Failed")}</p>
                  </li>
                ))}
              </ul>
            </div>
          )}
          {done.length > 0 && (
            <div>
              <h3 className="mb-2 text-sm font-medium">Done</h3>
              <ul className="space-y-1" data-testid="job-item-done">
                {done.map((item) => {
                  const draft = itemDraftId(item);
                  return (
                    <li key={item.key} className="break-words text-sm [overflow-wrap:anywhere]" data-testid="job-item">
                      {draft ? (
                        <>
                          <Link className="text-indigo-700 hover:underline dark:text-indigo-300" to={`/drafts/${draft}`}>
                            {itemTitle(item)}
                          </Link>
                          {itemTitle(item) !== item.label && <span className="text-slate-500 dark:text-slate-400"> · {item.label}</span>}
                        </>
                      ) : (
                        item.label
                      )}
                    </li>
                  );
                })}
              </ul>
            </div>
          )}
          {hasMore && (
            <div className="flex flex-wrap items-center gap-3">
              <Button variant="secondary" busy={loadingMore} onClick={onMore}>
                Show more
              </Button>
              <span className="text-xs text-slate-500 dark:text-slate-400">
                {items.length} of {total} shown
              </span>
            </div>
          )}
        </div>
      )}
    </Card>
  );
}

/**
 * A job's items from the API, a page at a time. `settled` (items finished so
 * far, kept live by the event streams) changing refetches the loaded pages.
 */
export function JobItems({
  jobId,
  settled,
  jobError = null,
  jobFinished = false,
}: {
  jobId: string;
  settled: number;
  jobError?: string | null;
  jobFinished?: boolean;
}) {
  const queryClient = useQueryClient();
  const seenSettled = useRef(settled);
  const items = useInfiniteQuery({
    queryKey: ["jobs", "items", jobId],
    queryFn: ({ pageParam }) => jobs.items(jobId, { limit: ITEMS_PAGE, offset: pageParam }),
    initialPageParam: 0,
    getNextPageParam: (last) => (last.offset + last.items.length < last.total ? last.offset + last.items.length : undefined),
  });
  // At most one refetch per half second while items pour in.
  useEffect(() => {
    if (seenSettled.current === settled) return;
    seenSettled.current = settled;
    const timer = window.setTimeout(() => void queryClient.invalidateQueries({ queryKey: ["jobs", "items", jobId] }), 500);
    return () => window.clearTimeout(timer);
  }, [settled, jobId, queryClient]);

  if (items.isPending) return <Loading />;
  if (items.isError) return <ErrorState error={items.error} onRetry={() => items.refetch()} />;
  const pages = items.data.pages;
  // A page refetched while items arrive can repeat a key of the one before: show each item once.
  const seen = new Set<string>();
  const list = pages.flatMap((p) => p.items).filter((item) => !seen.has(item.key) && (seen.add(item.key), true));
  return (
    <JobItemsView
      items={list}
      total={pages[pages.length - 1]?.total ?? 0}
      hasMore={items.hasNextPage}
      loadingMore={items.isFetchingNextPage}
      onMore={() => void items.fetchNextPage()}
      jobError={jobError}
      jobFinished={jobFinished}
    />
  );
}
