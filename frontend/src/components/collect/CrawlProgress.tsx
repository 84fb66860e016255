/** A crawl's progress: chunks as a bar (done, failed, running, waiting), image counters, every chunk, and the warm-up timeline. */
import type { Chunk, Progress } from "../../api/collect";
import { chunkSegments, sourceLabel, type WarmupStep } from "../../lib/collect";
import { StatusBadge } from "../ui";

const SEGMENT: Record<Chunk["status"], string> = {
  done: "bg-indigo-600",
  failed: "bg-rose-500",
  running: "bg-sky-400 animate-pulse",
  waiting: "bg-slate-300 dark:bg-slate-700",
};

export function ChunkBar({ progress }: { progress: Progress }) {
  const c = progress.chunks;
  const segments = chunkSegments(progress);
  const finished = c.total ? Math.round(((c.done + c.failed) / c.total) * 100) : 0;
  const text = `${c.done} done · ${c.failed} failed · ${c.running} running · ${c.waiting} waiting`;
  return (
    <div className="space-y-1">
      <div
        role="progressbar"
        aria-label="Chunks"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={finished}
        aria-valuetext={c.total ? `${text} of ${c.total}` : "No chunks planned yet"}
        className="flex h-2.5 w-full overflow-hidden rounded-full bg-slate-200 dark:bg-slate-800"
      >
        {segments.map((s) => (
          <div key={s.status} className={`h-full ${SEGMENT[s.status]} transition-[width] duration-300`} style={{ width: `${s.percent}%` }} />
        ))}
      </div>
      <p className="text-xs tabular-nums text-slate-600 dark:text-slate-400" data-testid="chunk-counts">
        {c.total ? `${c.total} chunk${c.total === 1 ? "" : "s"}: ${text}` : "Chunks are planned when the crawl starts"}
      </p>
    </div>
  );
}

const COUNTERS: [keyof Progress["images"], string, string][] = [
  ["found", "Found", ""],
  ["kept", "Kept", ""],
  ["duplicates", "Duplicates", "text-amber-700 dark:text-amber-300"],
  ["approved", "Approved", "text-emerald-700 dark:text-emerald-300"],
  ["disqualified", "Disqualified", "text-rose-700 dark:text-rose-300"],
  ["pending", "Pending", "text-sky-700 dark:text-sky-300"],
  ["rejected", "Rejected", "text-slate-500"],
];

export function ImageCounters({ progress }: { progress: Progress }) {
  return (
    <dl className="grid grid-cols-3 gap-3 sm:grid-cols-4 lg:grid-cols-7" data-testid="image-counters">
      {COUNTERS.map(([key, label, tone]) => (
        <div key={key} className="rounded-md bg-slate-50 px-3 py-2 dark:bg-slate-950">
          <dt className="text-xs text-slate-500 dark:text-slate-400">{label}</dt>
          <dd className={`text-lg font-semibold tabular-nums ${tone}`} data-testid={`count-${key}`}>
            {progress.images[key]}
            {key === "kept" && <span className="text-xs font-normal text-slate-500"> / {progress.max_images}</span>}
          </dd>
        </div>
      ))}
    </dl>
  );
}

export function ChunkTable({ chunks }: { chunks: Chunk[] }) {
  if (!chunks.length) return null;
  return (
    <details className="text-sm">
      <summary className="cursor-pointer text-indigo-700 dark:text-indigo-300">Every chunk ({chunks.length})</summary>
      <div className="relative mt-2 max-h-72 overflow-auto">
        <table className="w-full text-left text-sm" aria-label="Chunks">
          <thead className="text-xs uppercase text-slate-500">
            <tr>
              <th scope="col" className="py-1 pr-3">Source</th>
              <th scope="col" className="py-1 pr-3">Results</th>
              <th scope="col" className="py-1 pr-3">Status</th>
              <th scope="col" className="py-1 pr-3">Found · kept · duplicates</th>
              <th scope="col" className="py-1">Note</th>
            </tr>
          </thead>
          <tbody>
            {chunks.map((k) => (
              <tr key={k.key} className="border-t border-slate-200 align-top dark:border-slate-800" data-testid="chunk-row">
                <td className="py-1.5 pr-3">
                  {sourceLabel(k.source)}
                  {k.keyword && <span className="block text-xs text-slate-500">{k.keyword}</span>}
                </td>
                <td className="py-1.5 pr-3 tabular-nums">
                  {k.start + 1}–{k.start + k.size}
                </td>
                <td className="py-1.5 pr-3">
                  <StatusBadge status={k.status === "done" ? "completed" : k.status === "waiting" ? "pending" : k.status} />
                </td>
                <td className="py-1.5 pr-3 tabular-nums">
                  {k.found} · {k.kept} · {k.duplicates}
                </td>
                <td className="py-1.5 text-xs text-slate-600 [overflow-wrap:anywhere] dark:text-slate-400">{k.error}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}

/** The warm-up as a small timeline (board ideas only). */
export function WarmupTimeline({ steps }: { steps: WarmupStep[] }) {
  return (
    <div>
      <h3 className="mb-2 text-sm font-medium">Warm-up</h3>
      <ol aria-label="Warm-up" className="flex flex-col gap-2 sm:flex-row sm:gap-6">
        {steps.map((s, i) => (
          <li key={s.step} className="flex items-start gap-2 text-sm" data-testid={`warmup-${s.step}`} data-done={s.done}>
            <span
              aria-hidden
              className={`mt-0.5 inline-flex h-5 w-5 shrink-0 items-center justify-center rounded-full text-xs font-semibold ${s.done ? "bg-emerald-600 text-white" : "border border-slate-300 text-slate-500 dark:border-slate-700"}`}
            >
              {s.done ? "✓" : i + 1}
            </span>
            <span>
              <span className={s.done ? "font-medium" : "text-slate-500 dark:text-slate-400"}>{s.label}</span>
              <span className="sr-only">{s.done ? " (done)" : " (not yet)"}</span>
              {s.detail && <span className="block max-w-60 truncate text-xs text-slate-500 dark:text-slate-400" title={s.detail}>{s.detail}</span>}
            </span>
          </li>
        ))}
      </ol>
    </div>
  );
}
