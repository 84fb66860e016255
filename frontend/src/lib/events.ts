/**
 * Server-Sent Events with a short-lived stream token (EventSource cannot send
 * an Authorization header). EventSource reconnects by itself and resumes with
 * Last-Event-ID; when the server refuses the reconnect (the token expired), we
 * fetch a new token and open a new stream (a job stream starts with a snapshot).
 */
import { useEffect, useReducer, useRef } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { jobs, type Job } from "../api/endpoints";
import { FINAL_EVENTS, JOB_EVENT_TYPES, TERMINAL, initialProgress, progressReducer, type JobEventData, type ProgressState } from "./progress";

export type EventHandler = (id: string, data: JobEventData) => void;

interface StreamOptions {
  path: string;
  onEvent: EventHandler;
  /** stop for good (e.g. the job finished) */
  shouldStop?: () => boolean;
}

const MAX_REOPENS = 20;

/** Open an authenticated event stream; returns a function that closes it. */
export function openEventStream({ path, onEvent, shouldStop }: StreamOptions): () => void {
  let source: EventSource | null = null;
  let closed = false;
  let reopens = 0;
  let timer: number | undefined;

  const open = async () => {
    if (closed) return;
    let token: string;
    try {
      token = (await jobs.streamToken()).token;
    } catch {
      schedule();
      return;
    }
    if (closed) return;
    const es = new EventSource(`/api/v1${path}${path.includes("?") ? "&" : "?"}token=${encodeURIComponent(token)}`);
    source = es;
    const listener = (event: MessageEvent<string>) => {
      reopens = 0;
      try {
        onEvent(event.lastEventId, JSON.parse(event.data) as JobEventData);
      } catch {
        return;
      }
      if (shouldStop?.()) close();
    };
    for (const type of JOB_EVENT_TYPES) es.addEventListener(type, listener as EventListener);
    es.onerror = () => {
      if (closed || shouldStop?.()) {
        close();
        return;
      }
      // CONNECTING: the browser retries by itself. CLOSED: it gave up (e.g. 401).
      if (es.readyState === EventSource.CLOSED) {
        es.close();
        schedule();
      }
    };
  };

  const schedule = () => {
    if (closed || reopens >= MAX_REOPENS) return;
    reopens += 1;
    timer = window.setTimeout(() => void open(), Math.min(1000 * reopens, 10_000));
  };

  const close = () => {
    closed = true;
    if (timer) window.clearTimeout(timer);
    source?.close();
  };

  void open();
  return close;
}

/** Live progress of one job. */
export function useJobProgress(jobId: string | null, session = 0): ProgressState | null {
  const [state, dispatch] = useReducer(progressReducer, initialProgress(jobId ?? ""));
  const terminal = useRef(false);
  const followed = useRef<string | null>(null);
  const queryClient = useQueryClient();

  useEffect(() => {
    if (!jobId) return;
    // A new job starts from scratch; a new session of the same job (after a
    // retry) keeps the items already seen.
    if (followed.current !== jobId) dispatch({ type: "reset", jobId });
    followed.current = jobId;
    terminal.current = false;
    return openEventStream({
      path: `/jobs/${jobId}/events`,
      onEvent: (id, data) => {
        dispatch({ type: "event", event: { id, data } });
        if (data.job_id === jobId && TERMINAL.has(data.status) && !terminal.current) {
          terminal.current = true;
          // Items finished before this stream opened came only as counts in its snapshot: list them once.
          void jobs
            .items(jobId, { limit: 100 })
            .then((page) => dispatch({ type: "listed", jobId, items: page.items }))
            .catch(() => undefined);
        }
        if (data.type === "job.item" || terminal.current) {
          void queryClient.invalidateQueries({ queryKey: ["listings"] });
          void queryClient.invalidateQueries({ queryKey: ["billing"] });
          void queryClient.invalidateQueries({ queryKey: ["dashboard"] });
        }
      },
      shouldStop: () => terminal.current,
    });
  }, [jobId, session, queryClient]);

  return jobId && state.jobId === jobId ? state : null;
}

/**
 * The cached queries (by first key) a job of this kind changes as it works:
 * a login test or resume changes the account's status, a health check the proxies'.
 */
export function queriesChangedBy(kind: string): string[] {
  if (kind.startsWith("accounts.")) return ["accounts"];
  if (kind.startsWith("proxies.")) return ["proxies"];
  // Crosslisting, delisting, sales marked by hand and imports move items and their listings on the
  // platforms (and a paused publish or delist changes its account, and may raise a conflict).
  if (kind.startsWith("listings.") && kind !== "listings.analyze") return ["listings", "inventory", "conflicts", "accounts"];
  // A rule's run changes the rule (last outcome, next run), and may change listings
  // (bump, relist, price drop, publish), the account (a challenge) and the inbox.
  if (kind === "automation.run") return ["automation", "listings", "accounts", "inbox"];
  if (kind.startsWith("inbox.")) return ["inbox"];
  // A batch writes posts (and uses AI quota); a run and its posts change statuses, times and the calendar.
  if (kind === "campaign.generate") return ["campaigns", "billing"];
  if (kind.startsWith("campaign.")) return ["campaigns", "calendar"];
  // A crawl or validation keeps, scores and counts images; the collection page follows its own jobs closely.
  if (kind.startsWith("collect.")) return ["collections"];
  // An account's sync brings new figures and sales, and marks sold drafts.
  // A sale it sees sells the item and starts taking its other listings down (or flags an oversell).
  if (kind.startsWith("analytics.")) return ["analytics", "sales", "listings", "inventory", "conflicts"];
  return [];
}

/**
 * The job record's `error` as an event changes it, shown before the refetch: a pause stores
 * its reason there (the list shows it), a resume clears it. Other events leave it to the refetch.
 */
export function reasonFrom(data: JobEventData): Partial<Pick<Job, "error">> {
  if (data.type === "job.paused" && typeof data.payload?.reason === "string") return { error: data.payload.reason };
  if (data.type === "job.resumed") return { error: null };
  return {};
}

const listeners = new Set<EventHandler>();

/**
 * Hear every event of the workspace stream the layout keeps open (one stream per tab, however
 * many parts of the page listen). Returns the function that stops listening.
 */
export function onWorkspaceEvent(handler: EventHandler): () => void {
  listeners.add(handler);
  return () => listeners.delete(handler);
}

/**
 * Whether an event changes what its kind's queries hold. Listings' jobs change items as they
 * start (a sale's delist puts listings in `delisting` at once), so those refresh on every step.
 */
export function touchesRecords(data: Pick<JobEventData, "type" | "kind">): boolean {
  const final = FINAL_EVENTS.has(data.type);
  const parked = data.type === "job.paused" || data.type === "job.resumed";
  const listingsStep = data.kind.startsWith("listings.") && (data.type === "job.created" || data.type === "job.started");
  return final || parked || listingsStep || data.type === "job.item";
}

/** Keep cached job lists and job records current from the workspace stream. */
export function useWorkspaceEvents(enabled: boolean): void {
  const queryClient = useQueryClient();
  useEffect(() => {
    if (!enabled) return;
    let pending: number | undefined;
    const stale = new Set<string>();
    const close = openEventStream({
      path: "/events",
      onEvent: (id, data) => {
        for (const listener of listeners) listener(id, data);
        const patch = (job: Job): Job =>
          job.id === data.job_id
            ? { ...job, status: data.status, total: data.total, done: data.done, failed: data.failed, progress: data.progress, ...reasonFrom(data) }
            : job;
        queryClient.setQueriesData<{ items: Job[] }>({ queryKey: ["jobs", "list"] }, (page) =>
          page ? { ...page, items: page.items.map(patch) } : page,
        );
        queryClient.setQueryData<Job>(["jobs", "one", data.job_id], (job) => (job ? patch(job) : job));
        // New jobs and final results (and each item of jobs that change other
        // records, e.g. one proxy checked): refetch, at most every half second.
        const final = FINAL_EVENTS.has(data.type);
        // A pause or resume changes the job's reason and its account's status.
        const parked = data.type === "job.paused" || data.type === "job.resumed";
        const touched = [
          ...(data.type === "job.created" || final || parked ? ["jobs", "dashboard"] : []),
          ...(touchesRecords(data) ? queriesChangedBy(data.kind) : []),
        ];
        if (touched.length > 0) {
          for (const key of touched) stale.add(key);
          window.clearTimeout(pending);
          pending = window.setTimeout(() => {
            for (const key of stale) void queryClient.invalidateQueries({ queryKey: [key] });
            stale.clear();
          }, 500);
        }
      },
    });
    return () => {
      window.clearTimeout(pending);
      close();
    };
  }, [enabled, queryClient]);
}
