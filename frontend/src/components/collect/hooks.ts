/**
 * The queries the collection pages share, under one key per collection (["collections", id, …]) so one
 * invalidation refreshes them, and the live hook that refreshes them from the crawl's job events.
 */
import { useEffect, useState } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { collections, type Collection } from "../../api/collect";
import { jobs } from "../../api/endpoints";
import { openEventStream } from "../../lib/events";
import { TERMINAL, type JobEventData } from "../../lib/progress";

export const useCollection = (id: string) => useQuery({ queryKey: ["collections", id, "detail"], queryFn: () => collections.get(id), enabled: !!id });

export const useProgress = (id: string) => useQuery({ queryKey: ["collections", id, "progress"], queryFn: () => collections.progress(id), enabled: !!id });

/** The crawl job's items: the warm-up's board and pins (`warmup:…`), for the timeline. */
export const useCrawlItems = (c: Collection) =>
  useQuery({
    queryKey: ["collections", c.id, "crawl-items", c.job_id],
    queryFn: () => jobs.items(c.job_id!, { limit: 100 }),
    enabled: !!c.job_id && c.sources.includes("board_ideas"),
  });

/** At most one refetch of the collection's queries per this many ms while events pour in. */
const THROTTLE_MS = 700;

export interface LiveState {
  /** the warm-up reached the board's ideas (a live note; chunks tell it after a reload) */
  ideas: boolean;
  /** the validation job's status as its events tell it (null before any) */
  validation: JobEventData["status"] | null;
  validationDone: number;
  validationTotal: number;
}

/**
 * While the crawl runs, its job's stream (the crawl and every chunk's job: `job.item` for each image
 * kept, duplicated or rejected, `job.note` for warm-up steps and images found) refetches the collection,
 * its progress and gallery, at most every THROTTLE_MS. A validation job is followed the same way.
 */
export function useCollectionLive(c: Collection): LiveState {
  const queryClient = useQueryClient();
  const [state, setState] = useState<LiveState>({ ideas: false, validation: null, validationDone: 0, validationTotal: 0 });
  const crawlJob = c.status === "running" ? c.job_id : null;
  const validateJob = c.validate_job_id;

  useEffect(() => {
    const ids = [crawlJob, validateJob].filter((x): x is string => !!x);
    if (!ids.length) return;
    let last = 0;
    let timer: number | undefined;
    const refresh = () => {
      last = Date.now();
      timer = undefined;
      void queryClient.invalidateQueries({ queryKey: ["collections", c.id] });
    };
    const schedule = () => {
      if (timer !== undefined) return;
      timer = window.setTimeout(refresh, Math.max(0, THROTTLE_MS - (Date.now() - last)));
    };
    const closers = ids.map((jobId) => {
      let ended = false;
      return openEventStream({
        path: `/jobs/${jobId}/events`,
        onEvent: (_id, data) => {
          const payload = (data.payload ?? {}) as Record<string, unknown>;
          if ((data.type as string) === "job.note" && payload.type === "warmup_step" && payload.step === "ideas") setState((s) => (s.ideas ? s : { ...s, ideas: true }));
          if (jobId === validateJob && data.job_id === jobId) {
            setState((s) => ({ ...s, validation: data.status, validationDone: data.done + data.failed, validationTotal: data.total }));
          }
          if (data.job_id === jobId && TERMINAL.has(data.status)) ended = true;
          if (data.type !== "job.snapshot") schedule();
        },
        shouldStop: () => ended,
      });
    });
    return () => {
      window.clearTimeout(timer);
      for (const close of closers) close();
    };
  }, [crawlJob, validateJob, c.id, queryClient]);
  return state;
}
