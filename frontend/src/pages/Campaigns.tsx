/** Campaigns: each with its status and progress; filter by status; new, delete (soft) and, for owners, restore. */
import { Link, useSearchParams } from "react-router";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { campaigns, type Campaign } from "../api/campaigns";
import { errorMessage } from "../api/client";
import { useAuth } from "../lib/auth";
import { CAMPAIGN_STATUSES, progressText, toPublish } from "../lib/campaigns";
import { useToast } from "../components/toast";
import { Badge, Button, Card, CheckboxField, Empty, ErrorState, Loading, PageHeader, ProgressBar, SelectField, StatusBadge, formatDate } from "../components/ui";

const PAGE = 25;

function CampaignRow({ campaign }: { campaign: Campaign }) {
  const toast = useToast();
  const queryClient = useQueryClient();
  const act = useMutation({
    mutationFn: async (action: "delete" | "restore") => {
      if (action === "delete") await campaigns.remove(campaign.id);
      else await campaigns.restore(campaign.id);
    },
    onSuccess: (_, action) => {
      toast.success(action === "delete" ? "Campaign deleted" : "Campaign restored");
      void queryClient.invalidateQueries({ queryKey: ["campaigns"] });
    },
    onError: (e) => toast.error(errorMessage(e)),
  });
  const p = campaign.posts;
  const share = campaign.status === "draft" ? (p.total ? p.ready / p.total : 0) : campaign.progress;
  return (
    <li className="flex flex-col gap-2 py-3 sm:flex-row sm:items-center sm:gap-4" data-testid="campaign-row">
      <div className="min-w-0 flex-1">
        <p className="flex flex-wrap items-center gap-2">
          {campaign.deleted ? (
            <span className="font-medium">{campaign.name}</span>
          ) : (
            <Link to={campaign.status === "draft" ? `/campaigns/${campaign.id}/edit` : `/campaigns/${campaign.id}`} className="font-medium text-indigo-700 hover:underline dark:text-indigo-300">
              {campaign.name}
            </Link>
          )}
          <StatusBadge status={campaign.status} />
          {campaign.deleted && <Badge tone="red">deleted</Badge>}
        </p>
        <p className="text-xs text-slate-500 dark:text-slate-400">
          Created {formatDate(campaign.created_at)} · {p.total} post{p.total === 1 ? "" : "s"}
          {campaign.status !== "draft" && toPublish(p) > 0 ? ` · ${p.scheduled} scheduled` : ""}
        </p>
      </div>
      <div className="w-full space-y-1 sm:w-56">
        <ProgressBar value={share * 100} label={`Progress of ${campaign.name}`} tone={p.failed ? "amber" : "indigo"} />
        <p className="text-xs tabular-nums text-slate-600 dark:text-slate-400" data-testid="campaign-progress">
          {progressText(campaign)}
        </p>
      </div>
      <div className="flex shrink-0 gap-2">
        {campaign.deleted ? (
          <Button variant="secondary" busy={act.isPending} onClick={() => act.mutate("restore")}>
            Restore
          </Button>
        ) : (
          <>
            {campaign.status !== "draft" && (
              <Link to={`/campaigns/${campaign.id}`} className="rounded-md px-3 py-2 text-sm font-medium text-slate-700 hover:bg-slate-100 dark:text-slate-200 dark:hover:bg-slate-800">
                Open
              </Link>
            )}
            <Button
              variant="ghost"
              busy={act.isPending}
              onClick={() => {
                if (window.confirm(`Delete the campaign “${campaign.name}”? Its posts and jobs stay in the history.`)) act.mutate("delete");
              }}
            >
              Delete
            </Button>
          </>
        )}
      </div>
    </li>
  );
}

export function CampaignsPage() {
  // Deleted campaigns are shown to owners and admins only.
  const { canManage: owner } = useAuth();
  const [params, setParams] = useSearchParams();
  const status = params.get("status") ?? "";
  const deleted = owner && params.get("deleted") === "1";
  const offset = Number(params.get("offset") ?? 0) || 0;
  const query = { status, include_deleted: deleted || undefined, limit: PAGE, offset };
  const list = useQuery({ queryKey: ["campaigns", "list", query], queryFn: () => campaigns.list(query), placeholderData: keepPreviousData });
  const setParam = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    next.delete("offset");
    setParams(next, { replace: true });
  };
  const page = (to: number) => {
    const next = new URLSearchParams(params);
    next.set("offset", String(to));
    setParams(next);
  };
  return (
    <>
      <PageHeader title="Campaigns">
        <Link to="/calendar" className="self-center text-sm text-indigo-600 underline dark:text-indigo-400">
          Calendar
        </Link>
        <Link to="/campaigns/new" className="rounded-md bg-indigo-600 px-3 py-2 text-sm font-medium text-white hover:bg-indigo-500">
          New campaign
        </Link>
      </PageHeader>
      <div className="mb-4 flex flex-wrap items-end gap-4">
        <div className="w-48">
          <SelectField label="Status" value={status} onChange={(e) => setParam("status", e.target.value)}>
            <option value="">Any</option>
            {CAMPAIGN_STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </SelectField>
        </div>
        {owner && <CheckboxField label="Show deleted" checked={deleted} onChange={(e) => setParam("deleted", e.target.checked ? "1" : "")} className="pb-2" />}
      </div>
      <Card>
        {list.isPending ? (
          <Loading />
        ) : list.isError ? (
          <ErrorState error={list.error} onRetry={() => list.refetch()} />
        ) : list.data.items.length === 0 ? (
          <Empty title={status ? `No ${status} campaigns` : "No campaigns yet"}>Write a brief once, let AI write the posts, then post them over your accounts.</Empty>
        ) : (
          <>
            <ul className="divide-y divide-slate-200 dark:divide-slate-800" data-testid="campaigns-list">
              {list.data.items.map((c) => (
                <CampaignRow key={c.id} campaign={c} />
              ))}
            </ul>
            {list.data.total > PAGE && (
              <nav aria-label="Pages" className="mt-4 flex items-center justify-center gap-3">
                <Button variant="secondary" disabled={offset === 0} onClick={() => page(Math.max(0, offset - PAGE))}>
                  Previous
                </Button>
                <Button variant="secondary" disabled={offset + PAGE >= list.data.total} onClick={() => page(offset + PAGE)}>
                  Next
                </Button>
              </nav>
            )}
          </>
        )}
      </Card>
    </>
  );
}
