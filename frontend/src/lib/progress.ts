/**
 * Live progress of one job, built from its Server-Sent Events.
 *
 * The reducer is pure and idempotent: an event whose id was applied already
 * (EventSource replays after a reconnect, a duplicate delivery) changes nothing,
 * and counters only ever move forward in stream order.
 */
import type { Schemas } from "../api/client";

/**
 * The SSE `data:` of a job event, as the backend's OpenAPI schema describes it
 * (JobEvent): its event names and statuses are the generated types, and the
 * runtime lists below are checked against them.
 */
export type JobEventData = Schemas["JobEvent"];
export type JobEventType = JobEventData["type"];
export type JobStatus = JobEventData["status"];

/**
 * Every event type, each once, in the backend's order. Checked against the
 * generated union both ways: a type the backend adds and this list lacks fails
 * `npm run typecheck` naming it, and so does one the backend no longer sends.
 */
const EVENT_TYPES = {
  "job.snapshot": true,
  "job.created": true,
  "job.started": true,
  "job.progress": true,
  "job.item": true,
  "job.note": true,
  "job.retrying": true,
  "job.succeeded": true,
  "job.failed": true,
  "job.cancelled": true,
  "job.paused": true,
  "job.resumed": true,
} as const satisfies Record<JobEventType, true>;

/** The event names to listen for on an EventSource (each event's `event:` is its type). */
export const JOB_EVENT_TYPES = Object.keys(EVENT_TYPES) as readonly JobEventType[];

/** Every status, each once (the order the jobs filter offers them), checked like the event types. */
const STATUSES = {
  pending: true,
  running: true,
  retrying: true,
  paused: true,
  succeeded: true,
  failed: true,
  cancelled: true,
} as const satisfies Record<JobStatus, true>;

export const JOB_STATUSES = Object.keys(STATUSES) as readonly JobStatus[];

export interface StreamEvent {
  /** the SSE id (the Redis stream id, "ms-seq") */
  id: string;
  data: JobEventData;
}

export interface ProgressItem {
  key: string;
  ok: boolean;
  listingId?: string;
  title?: string;
  error?: string;
}

export interface ProgressState {
  jobId: string;
  status: JobStatus | "connecting";
  total: number;
  done: number;
  failed: number;
  /** 0–100 */
  percent: number;
  /** items in the order they were first produced */
  items: ProgressItem[];
  error: string | null;
  /** why a paused job waits (e.g. its account hit a captcha) */
  pausedReason: string | null;
  terminal: boolean;
  /** the newest stream id applied to the counters */
  lastId: string | null;
  /** ids (with type) already applied */
  seen: ReadonlySet<string>;
}

/** Statuses a job never leaves (a paused job is not one: it waits to be resumed). */
export const TERMINAL: ReadonlySet<string> = new Set(["succeeded", "failed", "cancelled"] satisfies JobStatus[]);
/** The events that tell a job reached one of them. */
export const FINAL_EVENTS: ReadonlySet<string> = new Set(["job.succeeded", "job.failed", "job.cancelled"] satisfies JobEventType[]);

export function initialProgress(jobId: string): ProgressState {
  return {
    jobId,
    status: "connecting",
    total: 0,
    done: 0,
    failed: 0,
    percent: 0,
    items: [],
    error: null,
    pausedReason: null,
    terminal: false,
    lastId: null,
    seen: new Set(),
  };
}

/** Compare Redis stream ids "ms-seq" numerically; -1, 0 or 1. */
export function compareStreamIds(a: string, b: string): number {
  const [am = "0", as = "0"] = a.split("-");
  const [bm = "0", bs = "0"] = b.split("-");
  const ams = BigInt(am), bms = BigInt(bm);
  if (ams !== bms) return ams < bms ? -1 : 1;
  const asq = BigInt(as), bsq = BigInt(bs);
  return asq === bsq ? 0 : asq < bsq ? -1 : 1;
}

function percentOf(status: ProgressState["status"], progress: number): number {
  if (status === "succeeded") return 100;
  return Math.max(0, Math.min(100, Math.round(progress * 100)));
}

function itemFrom(payload: Record<string, unknown>): ProgressItem | null {
  const key = payload.key;
  if (typeof key !== "string") return null;
  const ok = payload.ok === true;
  const item: ProgressItem = { key, ok };
  const result = payload.result;
  if (result && typeof result === "object") {
    const r = result as Record<string, unknown>;
    if (typeof r.listing_id === "string") item.listingId = r.listing_id;
    if (typeof r.title === "string") item.title = r.title;
  }
  if (typeof payload.error === "string") item.error = payload.error;
  return item;
}

/**
 * Items read from the job's item list once it is final: a job's stream starts with a snapshot of its
 * counters, so items finished before the page connected came as no `job.item` event.
 */
export interface ListedItem {
  key: string;
  status: "done" | "failed";
  result: unknown;
  error: string | null;
}

export type ProgressAction =
  | { type: "event"; event: StreamEvent }
  | { type: "reset"; jobId: string }
  | { type: "listed"; jobId: string; items: ListedItem[] };

export function progressReducer(state: ProgressState, action: ProgressAction): ProgressState {
  if (action.type === "reset") return initialProgress(action.jobId);
  if (action.type === "listed") {
    if (action.jobId !== state.jobId) return state;
    const known = new Set(state.items.map((item) => item.key));
    const missed = action.items
      .filter((listed) => !known.has(listed.key))
      .map((listed) => itemFrom({ key: listed.key, ok: listed.status === "done", result: listed.result, error: listed.error ?? undefined }))
      .filter((item): item is ProgressItem => item !== null);
    return missed.length ? { ...state, items: [...state.items, ...missed] } : state;
  }
  const { id, data } = action.event;
  // Only this job's own events move its counters (children carry parent_id).
  if (data.job_id !== state.jobId) return state;
  const seenKey = `${id}|${data.type}`;
  if (state.seen.has(seenKey)) return state;
  // Counters move forward only: an older event (replayed out of order) is ignored.
  if (state.lastId !== null && data.type !== "job.snapshot" && compareStreamIds(id, state.lastId) < 0) {
    return state;
  }
  const seen = new Set(state.seen);
  seen.add(seenKey);

  let next: ProgressState = {
    ...state,
    seen,
    lastId: state.lastId === null || compareStreamIds(id, state.lastId) > 0 ? id : state.lastId,
    total: data.total,
    done: data.done,
    failed: data.failed,
    status: data.status,
  };

  const payload = data.payload ?? {};
  switch (data.type) {
    case "job.item": {
      const item = itemFrom(payload);
      if (item) {
        const index = next.items.findIndex((existing) => existing.key === item.key);
        // A failed item that succeeds on retry replaces its failure, in place.
        next.items = index === -1 ? [...next.items, item] : next.items.map((x, i) => (i === index ? item : x));
      }
      break;
    }
    case "job.created":
      if (payload.retry) next = { ...next, error: null };
      break;
    case "job.failed":
    case "job.cancelled":
      next.error = typeof payload.error === "string" ? payload.error : data.type === "job.cancelled" ? "Cancelled" : null;
      break;
    case "job.paused":
      next.pausedReason = typeof payload.reason === "string" ? payload.reason : next.pausedReason;
      break;
    case "job.retrying":
      next.error = typeof payload.error === "string" ? payload.error : next.error;
      break;
    default:
      break;
  }
  next.terminal = TERMINAL.has(next.status);
  if (next.status === "running" || next.status === "pending") next.error = null;
  if (next.status !== "paused") next.pausedReason = null;
  next.percent = percentOf(next.status, data.progress);
  return next;
}

/** Items that failed, with their reasons. */
export const failedItems = (state: ProgressState) => state.items.filter((item) => !item.ok);
export const producedItems = (state: ProgressState) => state.items.filter((item) => item.ok);
