/**
 * One collection: status with start / stop / retry, chunk progress and image counters kept live
 * by the crawl's job events, the warm-up timeline (board ideas), the gallery with status filters,
 * validation at another level and the export zip. Drafts and settings are edited at …/edit.
 */
import { useState } from "react";
import { Link, useNavigate, useParams, useSearchParams } from "react-router";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { collections, type Collection, type ImageStatus, type Progress } from "../api/collect";
import { errorMessage } from "../api/client";
import { saveResponse } from "../lib/download";
import { IMAGE_STATUSES, KEPT_STATUSES, collectionActions, keptShare, levelChecks, sourceLabel, startLabel, warmupTimeline } from "../lib/collect";
import { ChunkBar, ChunkTable, ImageCounters, WarmupTimeline } from "../components/collect/CrawlProgress";
import { Gallery } from "../components/collect/Gallery";
import { ValidateDialog } from "../components/collect/ValidateDialog";
import { useCollection, useCollectionLive, useCrawlItems, useProgress, type LiveState } from "../components/collect/hooks";
import { useToast } from "../components/toast";
import { Button, Card, ErrorState, Loading, PageHeader, ProgressBar, SelectField, StatusBadge, formatDate } from "../components/ui";

type Control = "start" | "stop" | "retry";
const DONE: Record<Control, string> = { start: "Collection started", stop: "Collection stopped", retry: "Failed chunks queued again" };

function Controls({ c }: { c: Collection }) {
  const toast = useToast();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [validating, setValidating] = useState(false);
  const [exportStatus, setExportStatus] = useState<ImageStatus>("approved");
  const can = collectionActions(c.status);
  const act = useMutation({
    mutationFn: (action: Control) => collections[action](c.id),
    onSuccess: (_, action) => {
      toast.success(DONE[action]);
      void queryClient.invalidateQueries({ queryKey: ["collections"] });
      void queryClient.invalidateQueries({ queryKey: ["jobs"] });
    },
    onError: (e) => toast.error(errorMessage(e)),
  });
  const remove = useMutation({
    mutationFn: () => collections.remove(c.id),
    onSuccess: () => {
      toast.success("Collection deleted");
      void queryClient.invalidateQueries({ queryKey: ["collections"] });
      void queryClient.invalidateQueries({ queryKey: ["projects"] });
      navigate("/collections");
    },
    onError: (e) => toast.error(errorMessage(e)),
  });
  const exporter = useMutation({
    mutationFn: async () => saveResponse(await collections.export(c.id, exportStatus), `collection-${c.id}-${exportStatus}.zip`),
    onError: (e) => toast.error(errorMessage(e)),
  });
  const busy = (a: Control) => act.isPending && act.variables === a;
  return (
    <div className="flex flex-wrap items-end gap-2">
      {can.start && (
        <Button busy={busy("start")} onClick={() => act.mutate("start")}>
          {startLabel(c.status)}
        </Button>
      )}
      {can.stop && (
        <Button variant="secondary" busy={busy("stop")} onClick={() => act.mutate("stop")}>
          Stop
        </Button>
      )}
      {can.retry && (
        <Button busy={busy("retry")} onClick={() => act.mutate("retry")}>
          Retry failed chunks
        </Button>
      )}
      <Link to={`/collections/${c.id}/edit`} className="rounded-md px-3 py-2 text-sm font-medium text-slate-700 hover:bg-slate-100 dark:text-slate-200 dark:hover:bg-slate-800">
        Edit
      </Link>
      <Button variant="secondary" disabled={!can.validate} title={can.validate ? undefined : "Stop the crawl (or let it finish) first"} onClick={() => setValidating(true)}>
        Validate again…
      </Button>
      <div className="flex items-end gap-1">
        <div className="w-36">
          <SelectField label="Export" value={exportStatus} onChange={(e) => setExportStatus(e.target.value as ImageStatus)}>
            {KEPT_STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </SelectField>
        </div>
        <Button variant="secondary" busy={exporter.isPending} onClick={() => exporter.mutate()}>
          Download zip
        </Button>
      </div>
      <Button
        variant="ghost"
        disabled={!can.remove}
        busy={remove.isPending}
        onClick={() => {
          if (window.confirm(`Delete “${c.name}” with its images?`)) remove.mutate();
        }}
      >
        Delete
      </Button>
      {validating && <ValidateDialog collection={c} onClose={() => setValidating(false)} />}
    </div>
  );
}

function Summary({ c, progress, live }: { c: Collection; progress: Progress | undefined; live: LiveState }) {
  const items = useCrawlItems(c);
  const warmup = c.sources.includes("board_ideas");
  return (
    <Card>
      <div className="space-y-4">
        <div className="flex flex-col gap-4 lg:flex-row lg:items-start lg:justify-between">
          <div className="min-w-0 space-y-1">
            <p className="flex flex-wrap items-center gap-2">
              <span data-testid="collection-status">
                <StatusBadge status={c.status} />
              </span>
              <span className="text-sm text-slate-500 dark:text-slate-400">
                {c.started_at ? `Started ${formatDate(c.started_at)}` : `Created ${formatDate(c.created_at)}`}
                {c.finished_at ? ` · ended ${formatDate(c.finished_at)}` : ""}
              </span>
            </p>
            {c.status_reason && (
              <p className="text-sm text-amber-800 dark:text-amber-200" data-testid="collection-reason">
                {c.status_reason}
              </p>
            )}
            <p className="text-xs text-slate-500 dark:text-slate-400">
              {c.keywords.join(", ")} · {c.sources.map(sourceLabel).join(", ")} · {c.validation_level} validation ({levelChecks(c.validation_level)}) · threshold {c.threshold.toFixed(2)}
            </p>
            {live.validation && (
              <p className="text-sm" data-testid="validation-status">
                Validation: {live.validation === "succeeded" ? "done" : live.validation}
                {live.validationTotal ? ` (${live.validationDone} of ${live.validationTotal})` : ""}
              </p>
            )}
          </div>
          <Controls c={c} />
        </div>
        <div className="space-y-1">
          <ProgressBar value={keptShare(c) * 100} label="Images kept" />
          <p className="text-sm tabular-nums" data-testid="kept-text">
            {c.kept} of {c.max_images} images kept
          </p>
        </div>
        {progress && (
          <>
            <ChunkBar progress={progress} />
            <ImageCounters progress={progress} />
          </>
        )}
        {warmup && <WarmupTimeline steps={warmupTimeline(c, items.data?.items ?? [], progress?.chunk_list ?? [], live.ideas)} />}
        {progress && <ChunkTable chunks={progress.chunk_list} />}
      </div>
    </Card>
  );
}

function Filters({ progress, status, onChange }: { progress: Progress | undefined; status: ImageStatus | ""; onChange: (s: ImageStatus | "") => void }) {
  const counts = progress?.images;
  const count = (s: ImageStatus | "") =>
    !counts ? "" : ` (${s === "" ? counts.found : s === "duplicate" ? counts.duplicates : counts[s]})`;
  return (
    <div role="tablist" aria-label="Image status" className="flex flex-wrap gap-1 border-b border-slate-200 dark:border-slate-800">
      {(["", ...IMAGE_STATUSES] as const).map((s) => (
        <button
          key={s || "all"}
          type="button"
          role="tab"
          aria-selected={status === s}
          onClick={() => onChange(s)}
          className={`-mb-px border-b-2 px-3 py-2 text-sm font-medium capitalize ${status === s ? "border-indigo-600 text-indigo-700 dark:text-indigo-300" : "border-transparent text-slate-600 hover:text-slate-900 dark:text-slate-400"}`}
        >
          {s === "" ? "all" : s === "duplicate" ? "duplicates" : s}
          <span className="tabular-nums">{count(s)}</span>
        </button>
      ))}
    </div>
  );
}

export function CollectionPage() {
  const { id = "" } = useParams();
  const [params, setParams] = useSearchParams();
  const collection = useCollection(id);
  const progress = useProgress(id);
  const raw = params.get("status") ?? "";
  const status = (IMAGE_STATUSES as readonly string[]).includes(raw) ? (raw as ImageStatus) : "";
  if (collection.isPending) return <Loading />;
  if (collection.isError) return <ErrorState error={collection.error} onRetry={() => collection.refetch()} />;
  return <CollectionView c={collection.data} progress={progress.data} status={status} onStatus={(s) => setParams(s ? { status: s } : {}, { replace: true })} />;
}

function CollectionView({ c, progress, status, onStatus }: { c: Collection; progress: Progress | undefined; status: ImageStatus | ""; onStatus: (s: ImageStatus | "") => void }) {
  const live = useCollectionLive(c);
  return (
    <>
      <PageHeader title={c.name}>
        <Link to="/collections" className="self-center text-sm text-indigo-600 underline dark:text-indigo-400">
          All collections
        </Link>
      </PageHeader>
      <div className="min-w-0 space-y-6">
        <Summary c={c} progress={progress} live={live} />
        <section aria-label="Gallery" className="space-y-3">
          <Filters progress={progress} status={status} onChange={onStatus} />
          <Gallery key={status} collectionId={c.id} status={status} />
        </section>
      </div>
    </>
  );
}
