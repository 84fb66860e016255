/**
 * The calendar of scheduled and posted campaign posts (month, week or day), coloured by
 * status. A scheduled post moves by dragging it to another day (or hour, in the day view),
 * or from its details with a date and time.
 */
import { useState, type DragEvent, type ReactNode } from "react";
import { Link, useSearchParams } from "react-router";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { calendar, campaigns, type CalendarPost } from "../api/campaigns";
import { errorMessage } from "../api/client";
import { localInput } from "../lib/automationForms";
import { byDay, byHour, dayKey, monthGrid, moveTarget, shiftView, startOfDay, viewDays, viewRange, viewTitle, type CalendarView } from "../lib/calendar";
import { STATUS_COLOURS, snippet } from "../lib/campaigns";
import { useToast } from "../components/toast";
import { Button, Card, ErrorState, Loading, PageHeader, StatusBadge, TextField, formatDate } from "../components/ui";

const VIEWS: CalendarView[] = ["month", "week", "day"];
const DRAG_TYPE = "application/x-sellpilot-post";
const WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

function useMove() {
  const toast = useToast();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ post, at }: { post: CalendarPost; at: Date }) => campaigns.movePost(post.campaign_id, post.id, at.toISOString()),
    onSuccess: (_, { at }) => {
      toast.success(`Post moved to ${at.toLocaleString()}`);
      void queryClient.invalidateQueries({ queryKey: ["calendar"] });
      void queryClient.invalidateQueries({ queryKey: ["campaigns"] });
    },
    onError: (e) => toast.error(errorMessage(e)),
  });
}

function Chip({ post, onOpen }: { post: CalendarPost; onOpen: (p: CalendarPost) => void }) {
  const movable = post.status === "scheduled";
  return (
    <button
      type="button"
      draggable={movable}
      onDragStart={(e) => {
        e.dataTransfer.setData(DRAG_TYPE, post.id);
        e.dataTransfer.effectAllowed = "move";
      }}
      onClick={() => onOpen(post)}
      data-testid="calendar-post"
      data-status={post.status}
      title={`${post.campaign_name}: ${post.caption}`}
      className={`block w-full truncate rounded border-l-4 bg-slate-50 px-1.5 py-0.5 text-left text-xs hover:bg-slate-100 dark:bg-slate-800 dark:hover:bg-slate-700 ${movable ? "cursor-grab" : ""}`}
      style={{ borderLeftColor: STATUS_COLOURS[post.status] }}
    >
      <span className="tabular-nums text-slate-500">{new Date(post.at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })}</span> {post.account_label || snippet(post.caption, 24)}
    </button>
  );
}

/** A cell that takes a dropped scheduled post: the day (keeping the post's time) or the hour. */
function DropCell({ day, hour, posts, onDrop, className, children }: { day: Date; hour?: number; posts: CalendarPost[]; onDrop: (post: CalendarPost, at: Date) => void; className: string; children: ReactNode }) {
  const [over, setOver] = useState(false);
  const drop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    const post = posts.find((p) => p.id === e.dataTransfer.getData(DRAG_TYPE));
    if (post) onDrop(post, moveTarget(post.at, day, hour));
  };
  return (
    <div
      className={`${className} ${over ? "bg-indigo-50 ring-2 ring-indigo-400 dark:bg-indigo-950" : ""}`}
      onDragOver={(e) => {
        if (e.dataTransfer.types.includes(DRAG_TYPE)) {
          e.preventDefault();
          setOver(true);
        }
      }}
      onDragLeave={() => setOver(false)}
      onDrop={drop}
      data-testid="calendar-cell"
      data-day={dayKey(day)}
    >
      {children}
    </div>
  );
}

function Details({ post, onClose }: { post: CalendarPost; onClose: () => void }) {
  const [at, setAt] = useState(localInput(post.at));
  const move = useMove();
  const target = new Date(at);
  return (
    <Card title="Post" className="mt-6">
      <div className="space-y-3 text-sm" data-testid="calendar-details">
        <p className="flex flex-wrap items-center gap-2">
          <StatusBadge status={post.status} />
          <Link className="font-medium text-indigo-700 underline dark:text-indigo-300" to={`/campaigns/${post.campaign_id}`}>
            {post.campaign_name}
          </Link>
          <span className="text-slate-500">
            {post.account_label} · {post.platform} · {formatDate(post.at)}
          </span>
        </p>
        <p className="whitespace-pre-wrap break-words">{post.caption}</p>
        {post.url && /^https?:\/\//.test(post.url) && (
          <a className="text-indigo-700 underline dark:text-indigo-300" href={post.url} target="_blank" rel="noreferrer">
            On the platform
          </a>
        )}
        {post.status === "scheduled" && (
          <form
            aria-label="Move the post"
            className="flex flex-wrap items-end gap-2"
            onSubmit={(e) => {
              e.preventDefault();
              if (!Number.isNaN(target.getTime())) move.mutate({ post, at: target }, { onSuccess: onClose });
            }}
          >
            <TextField label="Move to" type="datetime-local" value={at} onChange={(e) => setAt(e.target.value)} />
            <Button type="submit" busy={move.isPending} disabled={Number.isNaN(target.getTime())}>
              Move
            </Button>
          </form>
        )}
        <Button variant="ghost" onClick={onClose}>
          Close
        </Button>
      </div>
    </Card>
  );
}

export function CalendarPage() {
  const [params, setParams] = useSearchParams();
  const view = (VIEWS as string[]).includes(params.get("view") ?? "") ? (params.get("view") as CalendarView) : "month";
  const date = params.get("date") ? new Date(`${params.get("date")}T00:00:00`) : startOfDay(new Date());
  const day = Number.isNaN(date.getTime()) ? startOfDay(new Date()) : date;
  const campaignId = params.get("campaign") ?? undefined;
  const { from, to } = viewRange(view, day);
  const list = useQuery({
    queryKey: ["calendar", from.toISOString(), to.toISOString(), campaignId],
    queryFn: () => calendar.list(from.toISOString(), to.toISOString(), campaignId),
    placeholderData: keepPreviousData,
  });
  const [open, setOpen] = useState<CalendarPost | null>(null);
  const move = useMove();
  const posts = list.data ?? [];
  const days = byDay(posts);
  const go = (next: Partial<{ view: CalendarView; date: Date }>) => {
    const p = new URLSearchParams(params);
    p.set("view", next.view ?? view);
    p.set("date", dayKey(next.date ?? day));
    setParams(p, { replace: true });
  };
  const onDrop = (post: CalendarPost, at: Date) => {
    if (at.getTime() !== new Date(post.at).getTime()) move.mutate({ post, at });
  };
  const month = day.getMonth();
  return (
    <>
      <PageHeader title="Calendar">
        <div className="flex flex-wrap gap-1" role="group" aria-label="View">
          {VIEWS.map((v) => (
            <Button key={v} variant={v === view ? "primary" : "secondary"} aria-pressed={v === view} onClick={() => go({ view: v })}>
              {v[0]!.toUpperCase() + v.slice(1)}
            </Button>
          ))}
        </div>
      </PageHeader>
      <div className="mb-4 flex flex-wrap items-center gap-2">
        <Button variant="secondary" aria-label="Earlier" onClick={() => go({ date: shiftView(view, day, -1) })}>
          ‹
        </Button>
        <Button variant="secondary" onClick={() => go({ date: startOfDay(new Date()) })}>
          Today
        </Button>
        <Button variant="secondary" aria-label="Later" onClick={() => go({ date: shiftView(view, day, 1) })}>
          ›
        </Button>
        <h2 className="ml-2 text-lg font-semibold" data-testid="calendar-title">
          {viewTitle(view, day)}
        </h2>
        {campaignId && (
          <Link className="text-sm text-indigo-600 underline dark:text-indigo-400" to={`/calendar?view=${view}&date=${dayKey(day)}`}>
            All campaigns
          </Link>
        )}
        {list.isFetching && <span className="text-xs text-slate-500">updating…</span>}
      </div>
      {list.isPending ? (
        <Loading />
      ) : list.isError ? (
        <ErrorState error={list.error} onRetry={() => list.refetch()} />
      ) : view === "day" ? (
        <Card>
          <ol aria-label="Hours" className="divide-y divide-slate-100 dark:divide-slate-800">
            {Array.from({ length: 24 }, (_, h) => (
              <li key={h}>
                <DropCell day={day} hour={h} posts={posts} onDrop={onDrop} className="flex min-h-10 gap-3 py-1">
                  <span className="w-12 shrink-0 text-xs tabular-nums text-slate-500">{String(h).padStart(2, "0")}:00</span>
                  <div className="min-w-0 flex-1 space-y-1">
                    {(byHour(days.get(dayKey(day)) ?? []).get(h) ?? []).map((p) => (
                      <Chip key={p.id} post={p} onOpen={setOpen} />
                    ))}
                  </div>
                </DropCell>
              </li>
            ))}
          </ol>
        </Card>
      ) : (
        <div className="overflow-x-auto">
          <div className="grid min-w-[42rem] grid-cols-7 gap-px overflow-hidden rounded-lg border border-slate-200 bg-slate-200 dark:border-slate-800 dark:bg-slate-800">
            {WEEKDAYS.map((w) => (
              <div key={w} className="bg-slate-50 px-2 py-1 text-xs font-medium text-slate-500 dark:bg-slate-900">
                {w}
              </div>
            ))}
            {(view === "month" ? monthGrid(day).flat() : viewDays("week", day)).map((d) => {
              const items = days.get(dayKey(d)) ?? [];
              return (
                <DropCell key={dayKey(d)} day={d} posts={posts} onDrop={onDrop} className={`space-y-1 bg-white p-1.5 dark:bg-slate-900 ${view === "week" ? "min-h-64" : "min-h-24"}`}>
                  <button
                    type="button"
                    className={`text-xs tabular-nums hover:underline ${d.getMonth() !== month && view === "month" ? "text-slate-400" : "font-medium"} ${dayKey(d) === dayKey(new Date()) ? "text-indigo-600 dark:text-indigo-400" : ""}`}
                    onClick={() => go({ view: "day", date: d })}
                    aria-label={`Day view of ${d.toLocaleDateString()}`}
                  >
                    {d.getDate()}
                  </button>
                  {items.slice(0, view === "month" ? 4 : 50).map((p) => (
                    <Chip key={p.id} post={p} onOpen={setOpen} />
                  ))}
                  {view === "month" && items.length > 4 && (
                    <button type="button" className="text-xs text-slate-500 underline" onClick={() => go({ view: "day", date: d })}>
                      {items.length - 4} more
                    </button>
                  )}
                </DropCell>
              );
            })}
          </div>
        </div>
      )}
      <p className="mt-3 flex flex-wrap gap-3 text-xs text-slate-500 dark:text-slate-400">
        {["scheduled", "posting", "posted", "failed", "cancelled"].map((s) => (
          <span key={s} className="flex items-center gap-1">
            <span className="inline-block h-3 w-3 rounded-sm" style={{ background: STATUS_COLOURS[s] }} />
            {s}
          </span>
        ))}
        <span>Drag a scheduled post to another day to move it, or open it to pick a time.</span>
      </p>
      {open && <Details key={open.id} post={open} onClose={() => setOpen(null)} />}
    </>
  );
}
