/**
 * A collection's images as a grid, in the order found, filling in as the crawl keeps them.
 * Approve or disqualify with a click or the keyboard (arrows move, A approves, D disqualifies,
 * Space selects); selected images are approved or disqualified together.
 */
import { useEffect, useRef, useState, type KeyboardEvent } from "react";
import { useInfiniteQuery, useMutation, useQueryClient, type InfiniteData } from "@tanstack/react-query";
import { collections, type CollectedImage, type ImageStatus, type OverrideStatus } from "../../api/collect";
import type { Page } from "../../api/endpoints";
import { errorMessage } from "../../api/client";
import { KEPT_STATUSES, fileSize, gridMove, imageTone, isWebLink, scoreText, sourceLabel } from "../../lib/collect";
import { AuthImage } from "../AuthImage";
import { useToast } from "../toast";
import { Badge, Button, Empty, ErrorState, Loading } from "../ui";

const PAGE = 60;

export const imagesKey = (collectionId: string, status: ImageStatus | "") => ["collections", collectionId, "images", { status }] as const;

/** How many cells the first row holds (the grid is responsive, so it is read from the layout). */
function columnsOf(cells: (HTMLElement | null)[]): number {
  const first = cells[0];
  if (!first) return 1;
  const top = first.offsetTop;
  let n = 0;
  for (const cell of cells) {
    if (!cell || cell.offsetTop !== top) break;
    n += 1;
  }
  return Math.max(1, n);
}

const canDecide = (image: CollectedImage) => KEPT_STATUSES.includes(image.status);

function ImageCard({
  image,
  index,
  focused,
  selected,
  busy,
  cellRef,
  onFocus,
  onSelect,
  onDecide,
}: {
  image: CollectedImage;
  index: number;
  focused: boolean;
  selected: boolean;
  busy: boolean;
  cellRef: (el: HTMLElement | null) => void;
  onFocus: () => void;
  onSelect: (on: boolean) => void;
  onDecide: (status: OverrideStatus) => void;
}) {
  const name = image.title || `Image ${index + 1}`;
  const link = isWebLink(image.page_url) ? image.page_url : isWebLink(image.source_url) ? image.source_url : "";
  const decidable = canDecide(image);
  return (
    <li
      ref={cellRef}
      tabIndex={focused ? 0 : -1}
      onFocus={onFocus}
      aria-label={`${name}: ${image.status}${image.score !== null ? `, score ${scoreText(image.score)}` : ""}${selected ? ", selected" : ""}`}
      data-testid="gallery-image"
      data-status={image.status}
      className={`group relative overflow-hidden rounded-lg border bg-white text-sm shadow-sm outline-none focus:ring-2 focus:ring-indigo-500 dark:bg-slate-900 ${
        selected ? "border-indigo-500 ring-1 ring-indigo-500" : "border-slate-200 dark:border-slate-800"
      }`}
    >
      <div className="relative aspect-square bg-slate-100 dark:bg-slate-800">
        {image.media_id ? (
          <AuthImage mediaId={image.media_id} alt={name} className="h-full w-full" />
        ) : (
          <div className="flex h-full items-center justify-center p-2 text-center text-xs text-slate-500">No file kept</div>
        )}
        <span className="absolute left-1.5 top-1.5" data-testid="score-badge">
          <Badge tone={image.score === null ? "gray" : image.status === "approved" ? "green" : image.status === "disqualified" ? "red" : "blue"}>{scoreText(image.score)}</Badge>
        </span>
        {decidable && (
          <label className="absolute right-1.5 top-1.5 rounded bg-white/90 p-1 dark:bg-slate-900/90">
            <input type="checkbox" tabIndex={-1} checked={selected} onChange={(e) => onSelect(e.target.checked)} aria-label={`Select ${name}`} className="h-4 w-4" />
          </label>
        )}
        {image.status === "duplicate" && (
          <span className="absolute inset-x-0 bottom-0 bg-amber-500/90 px-2 py-0.5 text-center text-xs font-medium text-white" data-testid="duplicate-marker">
            Duplicate
          </span>
        )}
      </div>
      <div className="space-y-1 p-2">
        <p className="flex flex-wrap items-center gap-1">
          <Badge tone={imageTone(image.status)}>{image.status}</Badge>
          {image.overridden && <Badge tone="gray">set by hand</Badge>}
        </p>
        {image.reason && (
          <p className="line-clamp-2 text-xs text-slate-600 [overflow-wrap:anywhere] dark:text-slate-400" title={image.reason}>
            {image.reason}
          </p>
        )}
        <p className="truncate text-xs text-slate-500">
          {sourceLabel(image.source)}
          {image.keyword ? ` · ${image.keyword}` : ""}
          {image.width ? ` · ${image.width}×${image.height}` : ""}
          {image.size_bytes ? ` · ${fileSize(image.size_bytes)}` : ""}
        </p>
        <div className="flex items-center gap-1">
          {decidable && (
            <>
              <Button variant={image.status === "approved" ? "primary" : "secondary"} className="!px-2 !py-1 text-xs" tabIndex={-1} disabled={busy || image.status === "approved"} onClick={() => onDecide("approved")}>
                Approve
              </Button>
              <Button variant={image.status === "disqualified" ? "danger" : "secondary"} className="!px-2 !py-1 text-xs" tabIndex={-1} disabled={busy || image.status === "disqualified"} onClick={() => onDecide("disqualified")}>
                Disqualify
              </Button>
            </>
          )}
          {link && (
            <a href={link} target="_blank" rel="noreferrer noopener" tabIndex={-1} className="ml-auto text-xs text-indigo-700 underline dark:text-indigo-300">
              Source
            </a>
          )}
        </div>
      </div>
    </li>
  );
}

export function Gallery({ collectionId, status }: { collectionId: string; status: ImageStatus | "" }) {
  const toast = useToast();
  const queryClient = useQueryClient();
  const key = imagesKey(collectionId, status);
  const images = useInfiniteQuery({
    queryKey: key,
    queryFn: ({ pageParam }) => collections.images(collectionId, { status, limit: PAGE, offset: pageParam }),
    initialPageParam: 0,
    getNextPageParam: (last) => (last.offset + last.items.length < last.total ? last.offset + last.items.length : undefined),
  });
  const [focus, setFocus] = useState(0);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const cells = useRef<(HTMLElement | null)[]>([]);
  const moved = useRef(false);

  // A page refetched while images arrive can repeat one of the page before: each image once.
  const seen = new Set<string>();
  const list = (images.data?.pages ?? []).flatMap((p) => p.items).filter((i) => !seen.has(i.id) && (seen.add(i.id), true));
  const total = images.data?.pages[images.data.pages.length - 1]?.total ?? 0;

  useEffect(() => setSelected(new Set()), [status]);
  useEffect(() => {
    if (moved.current) cells.current[focus]?.focus();
    moved.current = false;
  }, [focus]);

  const replace = (updated: CollectedImage) =>
    queryClient.setQueryData<InfiniteData<Page<CollectedImage>>>(key, (data) =>
      data ? { ...data, pages: data.pages.map((p) => ({ ...p, items: p.items.map((i) => (i.id === updated.id ? updated : i)) })) } : data,
    );
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: ["collections", collectionId] });
  };
  const decide = useMutation({
    mutationFn: ({ image, to }: { image: CollectedImage; to: OverrideStatus }) => collections.override(collectionId, image.id, { status: to, reason: "" }),
    onSuccess: (updated) => {
      replace(updated);
      refresh();
    },
    onError: (e) => toast.error(errorMessage(e)),
  });
  const bulk = useMutation({
    mutationFn: async (to: OverrideStatus) => {
      const chosen = list.filter((i) => selected.has(i.id) && canDecide(i));
      let done = 0;
      const failures: string[] = [];
      // One at a time: the API has no bulk route, and a few hundred small PATCHes are quick.
      for (const image of chosen) {
        try {
          replace(await collections.override(collectionId, image.id, { status: to, reason: "" }));
          done += 1;
        } catch (e) {
          failures.push(errorMessage(e));
        }
      }
      return { to, done, failures };
    },
    onSuccess: ({ to, done, failures }) => {
      setSelected(new Set());
      refresh();
      if (done) toast.success(`${done} image${done === 1 ? "" : "s"} ${to}`);
      if (failures.length) toast.error(`${failures.length} not changed: ${failures[0]}`);
    },
  });

  const go = (index: number) => {
    moved.current = true;
    setFocus(index);
  };
  const onKeyDown = (e: KeyboardEvent<HTMLUListElement>) => {
    const target = e.target as HTMLElement;
    const index = cells.current.indexOf(target);
    if (index < 0 || e.altKey || e.ctrlKey || e.metaKey) return;
    const image = list[index];
    if (!image) return;
    const next = gridMove(e.key, index, list.length, columnsOf(cells.current.slice(0, list.length)));
    if (next !== null) {
      e.preventDefault();
      go(next);
      return;
    }
    const k = e.key.toLowerCase();
    if ((k === "a" || k === "d") && canDecide(image)) {
      e.preventDefault();
      decide.mutate({ image, to: k === "a" ? "approved" : "disqualified" });
      if (index + 1 < list.length) go(index + 1);
    } else if ((e.key === " " || k === "x") && canDecide(image)) {
      e.preventDefault();
      toggle(image.id, !selected.has(image.id));
    }
  };
  const toggle = (id: string, on: boolean) =>
    setSelected((s) => {
      const next = new Set(s);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });

  if (images.isPending) return <Loading />;
  if (images.isError) return <ErrorState error={images.error} onRetry={() => images.refetch()} />;
  if (list.length === 0) return <Empty title={status ? `No ${status} images` : "No images yet"}>Images appear here as the crawl keeps them.</Empty>;
  const decidable = list.filter(canDecide);
  const focusAt = Math.min(focus, list.length - 1);
  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-center gap-2">
        <Button variant="ghost" className="!px-2 !py-1 text-xs" disabled={!decidable.length} onClick={() => setSelected(selected.size ? new Set() : new Set(decidable.map((i) => i.id)))}>
          {selected.size ? "Clear selection" : `Select all shown (${decidable.length})`}
        </Button>
        {selected.size > 0 && (
          <>
            <span className="text-sm tabular-nums" data-testid="selected-count">
              {selected.size} selected
            </span>
            <Button className="!px-2 !py-1 text-xs" busy={bulk.isPending && bulk.variables === "approved"} disabled={bulk.isPending} onClick={() => bulk.mutate("approved")}>
              Approve selected
            </Button>
            <Button variant="danger" className="!px-2 !py-1 text-xs" busy={bulk.isPending && bulk.variables === "disqualified"} disabled={bulk.isPending} onClick={() => bulk.mutate("disqualified")}>
              Disqualify selected
            </Button>
          </>
        )}
        <p className="ml-auto text-xs text-slate-500 dark:text-slate-400" id="gallery-keys" data-testid="keyboard-hint">
          Keyboard: <kbd className="rounded border px-1">←↑→↓</kbd> move · <kbd className="rounded border px-1">A</kbd> approve ·{" "}
          <kbd className="rounded border px-1">D</kbd> disqualify · <kbd className="rounded border px-1">Space</kbd> select
        </p>
      </div>
      <ul
        aria-label="Images"
        aria-describedby="gallery-keys"
        aria-keyshortcuts="A D Space ArrowLeft ArrowRight ArrowUp ArrowDown"
        onKeyDown={onKeyDown}
        className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-4 xl:grid-cols-6"
        data-testid="gallery"
      >
        {list.map((image, index) => (
          <ImageCard
            key={image.id}
            image={image}
            index={index}
            focused={index === focusAt}
            selected={selected.has(image.id)}
            busy={decide.isPending && decide.variables?.image.id === image.id}
            cellRef={(el) => {
              cells.current[index] = el;
            }}
            onFocus={() => setFocus(index)}
            onSelect={(on) => toggle(image.id, on)}
            onDecide={(to) => decide.mutate({ image, to })}
          />
        ))}
      </ul>
      <p className="text-center text-xs text-slate-500">
        {list.length} of {total} shown
      </p>
      {images.hasNextPage && (
        <div className="flex justify-center">
          <Button variant="secondary" busy={images.isFetchingNextPage} onClick={() => void images.fetchNextPage()}>
            Show more
          </Button>
        </div>
      )}
    </div>
  );
}
