/**
 * A campaign under way: status and live progress (its run job's events), pause / resume /
 * cancel, the posts with failures and retry, batches, statistics, export and import.
 */
import { Suspense, lazy, useEffect } from "react";
import { Link, useParams, useSearchParams } from "react-router";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { campaigns, type Campaign, type Post } from "../api/campaigns";
import { errorMessage } from "../api/client";
import { useJobProgress } from "../lib/events";
import { saveResponse } from "../lib/download";
import { POST_STATUSES, campaignActions, progressText, toPublish } from "../lib/campaigns";
import { ImportDrop } from "../components/campaigns/ImportDrop";
import { useCampaign, usePostsQuery } from "../components/campaigns/hooks";
import { JobBar } from "../components/jobs";
import { useToast } from "../components/toast";
import { Badge, Button, Card, Empty, ErrorState, Loading, PageHeader, SelectField, StatusBadge, formatDate } from "../components/ui";

// The charts (recharts) load with the statistics tab, not with the app.
const CampaignStats = lazy(() => import("../components/campaigns/CampaignStats").then((m) => ({ default: m.CampaignStats })));

type Control = "pause" | "resume" | "cancel" | "retryFailed";
const DONE: Record<Control, string> = { pause: "Campaign paused", resume: "Campaign resumed", cancel: "Campaign cancelled", retryFailed: "Failed posts queued again" };

/** The run job's events keep the campaign (and its posts) fresh while it runs. */
function useLiveRun(c: Campaign) {
  const queryClient = useQueryClient();
  const live = c.status === "scheduled" || c.status === "running" || c.status === "paused";
  const state = useJobProgress(live ? c.job_id : null);
  const moved = state ? `${state.done}/${state.failed}/${state.status}` : "";
  useEffect(() => {
    if (moved) void queryClient.invalidateQueries({ queryKey: ["campaigns", c.id] });
  }, [moved, c.id, queryClient]);
}

function Header({ c }: { c: Campaign }) {
  const toast = useToast();
  const queryClient = useQueryClient();
  useLiveRun(c);
  const act = useMutation({
    mutationFn: async (action: Control): Promise<string> => {
      if (action === "retryFailed") {
        const r = await campaigns.retryFailed(c.id);
        return r.retried ? `${r.retried} failed post${r.retried === 1 ? "" : "s"} queued again` : "No failed post to retry";
      }
      await campaigns[action](c.id);
      return DONE[action];
    },
    onSuccess: (message) => {
      toast.success(message);
      void queryClient.invalidateQueries({ queryKey: ["campaigns"] });
      void queryClient.invalidateQueries({ queryKey: ["jobs"] });
    },
    onError: (e) => toast.error(errorMessage(e)),
  });
  const exporter = useMutation({
    mutationFn: async (format: "csv" | "json") => saveResponse(await campaigns.export(c.id, format), `campaign-${c.id}.${format}`),
    onError: (e) => toast.error(errorMessage(e)),
  });
  const can = campaignActions(c.status);
  const busy = (a: Control) => act.isPending && act.variables === a;
  const p = c.posts;
  const total = toPublish(p);
  return (
    <Card>
      <div className="flex flex-col gap-4 lg:flex-row lg:items-start">
        <div className="min-w-0 flex-1 space-y-2">
          <p className="flex flex-wrap items-center gap-2">
            <StatusBadge status={c.status} />
            {c.deleted && <Badge tone="red">deleted</Badge>}
            <span className="text-sm text-slate-500 dark:text-slate-400">
              {c.started_at ? `Started ${formatDate(c.started_at)}` : `Created ${formatDate(c.created_at)}`}
              {c.completed_at ? ` · ended ${formatDate(c.completed_at)}` : ""}
            </span>
          </p>
          {c.status_reason && (
            <p className="text-sm text-amber-800 dark:text-amber-200" data-testid="campaign-reason">
              {c.status_reason}
            </p>
          )}
          <JobBar job={{ status: c.status === "completed" ? "succeeded" : c.status === "cancelled" ? "cancelled" : "running", total, done: p.posted, failed: p.failed }} label="Campaign progress" />
          <p className="text-sm tabular-nums" data-testid="campaign-progress">
            {progressText(c)}
            {p.scheduled + p.posting ? ` · ${p.scheduled + p.posting} to go` : ""}
          </p>
        </div>
        <div className="flex flex-wrap gap-2">
          {can.edit && (
            <Link to={`/campaigns/${c.id}/edit`} className="rounded-md bg-indigo-600 px-3 py-2 text-sm font-medium text-white hover:bg-indigo-500">
              Continue building
            </Link>
          )}
          <Button variant="secondary" disabled={!can.pause} busy={busy("pause")} onClick={() => act.mutate("pause")}>
            Pause
          </Button>
          <Button variant="secondary" disabled={!can.resume} busy={busy("resume")} onClick={() => act.mutate("resume")}>
            Resume
          </Button>
          <Button
            variant="danger"
            disabled={!can.cancel}
            busy={busy("cancel")}
            onClick={() => {
              if (window.confirm(`Cancel “${c.name}”? Posts not yet published are cancelled; what was posted stays.`)) act.mutate("cancel");
            }}
          >
            Cancel
          </Button>
          {p.failed > 0 && (
            <Button variant="secondary" busy={busy("retryFailed")} onClick={() => act.mutate("retryFailed")}>
              Retry all failed ({p.failed})
            </Button>
          )}
          <Button variant="ghost" busy={exporter.isPending && exporter.variables === "csv"} onClick={() => exporter.mutate("csv")}>
            Export CSV
          </Button>
          <Button variant="ghost" busy={exporter.isPending && exporter.variables === "json"} onClick={() => exporter.mutate("json")}>
            Export JSON
          </Button>
        </div>
      </div>
    </Card>
  );
}

function PostRow({ post }: { post: Post }) {
  const toast = useToast();
  const queryClient = useQueryClient();
  const retry = useMutation({
    mutationFn: () => campaigns.retryPost(post.campaign_id, post.id),
    onSuccess: () => {
      toast.success(`Post ${post.position + 1} queued again`);
      void queryClient.invalidateQueries({ queryKey: ["campaigns", post.campaign_id] });
    },
    onError: (e) => toast.error(errorMessage(e)),
  });
  return (
    <tr className="border-t border-slate-200 align-top dark:border-slate-800" data-testid="post-row">
      <td className="py-2 pr-3 tabular-nums">{post.position + 1}</td>
      <td className="py-2 pr-3">
        <StatusBadge status={post.status} />
      </td>
      <td className="py-2 pr-3">
        {post.account_label || "—"}
        {post.platform && <span className="block text-xs text-slate-500">{post.platform}</span>}
      </td>
      <td className="whitespace-nowrap py-2 pr-3 text-xs">
        {post.posted_at ? `posted ${formatDate(post.posted_at)}` : post.scheduled_at ? formatDate(post.scheduled_at) : "—"}
      </td>
      <td className="min-w-48 py-2 pr-3">
        <span className="line-clamp-2 break-words">{post.caption}</span>
        {post.error && (
          <span className="mt-1 block break-words text-xs text-rose-700 [overflow-wrap:anywhere] dark:text-rose-300" data-testid="post-error">
            {post.error}
          </span>
        )}
      </td>
      <td className="py-2">
        {post.url && /^https?:\/\//.test(post.url) && (
          <a href={post.url} target="_blank" rel="noreferrer" className="text-indigo-700 underline dark:text-indigo-300">
            View
          </a>
        )}
        {post.status === "failed" && (
          <Button variant="secondary" busy={retry.isPending} onClick={() => retry.mutate()}>
            Retry
          </Button>
        )}
      </td>
    </tr>
  );
}

function PostsTab({ c }: { c: Campaign }) {
  const [params, setParams] = useSearchParams();
  const status = params.get("status") ?? "";
  const posts = usePostsQuery(c.id, status);
  return (
    <Card>
      <div className="mb-3 max-w-xs">
        <SelectField
          label="Post status"
          value={status}
          onChange={(e) => {
            const next = new URLSearchParams(params);
            if (e.target.value) next.set("status", e.target.value);
            else next.delete("status");
            setParams(next, { replace: true });
          }}
        >
          <option value="">Any</option>
          {POST_STATUSES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </SelectField>
      </div>
      {posts.isPending ? (
        <Loading />
      ) : posts.isError ? (
        <ErrorState error={posts.error} onRetry={() => posts.refetch()} />
      ) : posts.data.items.length === 0 ? (
        <Empty title="No posts here" />
      ) : (
        // `relative`: the header's screen-reader-only text is positioned inside the scroller, not the page.
        <div className="relative overflow-x-auto">
          <table className="w-full text-left text-sm" aria-label="Posts">
            <thead className="text-xs uppercase text-slate-500">
              <tr>
                <th scope="col" className="py-1 pr-3">#</th>
                <th scope="col" className="py-1 pr-3">Status</th>
                <th scope="col" className="py-1 pr-3">Account</th>
                <th scope="col" className="py-1 pr-3">When</th>
                <th scope="col" className="py-1 pr-3">Post</th>
                <th scope="col" className="py-1"><span className="sr-only">Actions</span></th>
              </tr>
            </thead>
            <tbody>
              {posts.data.items.map((p) => (
                <PostRow key={p.id} post={p} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}

function BatchesTab({ c }: { c: Campaign }) {
  const batches = useQuery({ queryKey: ["campaigns", c.id, "batches", "all"], queryFn: () => campaigns.batches(c.id, { limit: 100 }) });
  if (batches.isPending) return <Loading />;
  if (batches.isError) return <ErrorState error={batches.error} onRetry={() => batches.refetch()} />;
  if (batches.data.items.length === 0) return <Empty title="No batches yet">Posts written by AI come in batches.</Empty>;
  return (
    <Card>
      <table className="w-full text-left text-sm" aria-label="Batches">
        <thead className="text-xs uppercase text-slate-500">
          <tr>
            <th scope="col" className="py-1 pr-3">Asked</th>
            <th scope="col" className="py-1 pr-3">Status</th>
            <th scope="col" className="py-1 pr-3">Posts</th>
            <th scope="col" className="py-1">Job</th>
          </tr>
        </thead>
        <tbody>
          {batches.data.items.map((b) => (
            <tr key={b.id} className="border-t border-slate-200 dark:border-slate-800" data-testid="batch-row">
              <td className="py-2 pr-3">{formatDate(b.created_at)}</td>
              <td className="py-2 pr-3">
                <StatusBadge status={b.status} />
              </td>
              <td className="py-2 pr-3 tabular-nums">
                {b.done} written · {b.failed} failed{b.pending ? ` · ${b.pending} to go` : ""} of {b.requested}
              </td>
              <td className="py-2">
                {b.job_id && (
                  <Link className="text-indigo-700 underline dark:text-indigo-300" to={`/jobs/${b.job_id}`}>
                    details
                  </Link>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Card>
  );
}

const TABS = [
  ["posts", "Posts"],
  ["statistics", "Statistics"],
  ["batches", "Batches"],
  ["import", "Import"],
] as const;

export function CampaignPage() {
  const { id = "" } = useParams();
  const [params, setParams] = useSearchParams();
  const campaign = useCampaign(id);
  const tab = TABS.some(([k]) => k === params.get("tab")) ? params.get("tab")! : "posts";
  if (campaign.isPending) return <Loading />;
  if (campaign.isError) return <ErrorState error={campaign.error} onRetry={() => campaign.refetch()} />;
  const c = campaign.data;
  return (
    <>
      <PageHeader title={c.name}>
        <Link to="/campaigns" className="self-center text-sm text-indigo-600 underline dark:text-indigo-400">
          All campaigns
        </Link>
        <Link to={`/calendar?campaign=${c.id}`} className="self-center text-sm text-indigo-600 underline dark:text-indigo-400">
          Calendar
        </Link>
      </PageHeader>
      <div className="min-w-0 space-y-6">
        <Header c={c} />
        <div role="tablist" aria-label="Campaign" className="flex flex-wrap gap-1 border-b border-slate-200 dark:border-slate-800">
          {TABS.map(([key, label]) => (
            <button
              key={key}
              type="button"
              role="tab"
              aria-selected={tab === key}
              onClick={() => setParams(key === "posts" ? {} : { tab: key }, { replace: true })}
              className={`-mb-px border-b-2 px-3 py-2 text-sm font-medium ${tab === key ? "border-indigo-600 text-indigo-700 dark:text-indigo-300" : "border-transparent text-slate-600 hover:text-slate-900 dark:text-slate-400"}`}
            >
              {label}
            </button>
          ))}
        </div>
        <div role="tabpanel">
          {tab === "posts" && <PostsTab c={c} />}
          {tab === "statistics" && (
            <Suspense fallback={<Loading />}>
              <CampaignStats campaignId={c.id} />
            </Suspense>
          )}
          {tab === "batches" && <BatchesTab c={c} />}
          {tab === "import" && <ImportDrop campaignId={c.id} />}
        </div>
      </div>
    </>
  );
}
