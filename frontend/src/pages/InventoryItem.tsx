/**
 * One item and every listing of it: account, platform, status, price, link, the fields sent, the
 * error or conflict; crosslist, mark sold, delist everywhere; per listing retry delist / resolve.
 */
import { useState } from "react";
import { Link, useParams } from "react-router";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { errorMessage } from "../api/client";
import { inventory, type PlatformListing } from "../api/inventory";
import { AuthImage } from "../components/AuthImage";
import { JobProgress, WRAPPED_TEXT } from "../components/JobProgress";
import { ListingStatusBadge } from "../components/inventory/Badges";
import { ConflictNote } from "../components/inventory/ConflictNote";
import { CrosslistDialog } from "../components/inventory/CrosslistDialog";
import { MarkSoldDialog } from "../components/inventory/MarkSoldDialog";
import { useToast } from "../components/toast";
import { Badge, Button, Card, ErrorState, Loading, PageHeader, StatusBadge, formatDate } from "../components/ui";
import { delistable, formatMoney, listingCounts } from "../lib/inventory";
import { accountPath } from "../lib/paths";

function ListingRow({ listing: l, soldVia }: { listing: PlatformListing; soldVia: boolean }) {
  const fields = Object.entries(l.fields);
  return (
    <li className="min-w-0 space-y-2 py-4" data-testid="platform-listing" data-platform={l.platform} data-status={l.status}>
      <div className="flex flex-wrap items-center gap-2">
        <span className="font-medium">{l.platform_title}</span>
        <Link className="text-sm text-indigo-700 hover:underline dark:text-indigo-300" to={accountPath(l.account_id)}>
          {l.account_label}
        </Link>
        <ListingStatusBadge status={l.status} />
        {soldVia && <Badge tone="blue">the sale</Badge>}
        {l.conflict && <Badge tone="red">⚠ needs action</Badge>}
        <span className="text-sm tabular-nums text-slate-600 dark:text-slate-400">{formatMoney(l.price, l.currency)}</span>
      </div>
      <p className="flex flex-wrap gap-x-4 gap-y-1 text-xs text-slate-500 dark:text-slate-400">
        {/* A delisted or failed listing's page is gone (or never was). */}
        {l.url && l.status !== "delisted" && l.status !== "failed" ? (
          <a className="break-all text-indigo-700 underline dark:text-indigo-300" href={l.url} target="_blank" rel="noreferrer">
            On {l.platform_title}
          </a>
        ) : l.status === "queued" ? (
          <span>No link yet</span>
        ) : null}
        {l.platform_item_id && <span>Item {l.platform_item_id}</span>}
        {l.sold_at && <span>Sold {formatDate(l.sold_at)}</span>}
        <span>Checked {formatDate(l.last_checked_at)}</span>
        {l.job_id && (
          <Link className="underline" to={`/jobs/${l.job_id}`}>
            Its job
          </Link>
        )}
      </p>
      {l.error && (
        <p role="alert" className={`rounded-md bg-rose-50 p-2 text-sm text-rose-800 dark:bg-rose-950 dark:text-rose-200 ${WRAPPED_TEXT}`} data-testid="listing-error">
          {l.error}
        </p>
      )}
      <ConflictNote listing={l} />
      {fields.length > 0 && (
        <details className="text-sm">
          <summary className="cursor-pointer text-slate-600 dark:text-slate-400">What {l.platform_title} was sent</summary>
          <dl className="mt-2 grid grid-cols-[auto_minmax(0,1fr)] gap-x-3 gap-y-1" data-testid="fields-sent">
            {fields.map(([key, value]) => (
              <div key={key} className="contents">
                <dt className="text-slate-500 dark:text-slate-400">{key}</dt>
                <dd className="break-words">{value}</dd>
              </div>
            ))}
          </dl>
        </details>
      )}
    </li>
  );
}

export function InventoryItemPage() {
  const { id = "" } = useParams();
  const toast = useToast();
  const queryClient = useQueryClient();
  const item = useQuery({ queryKey: ["inventory", "one", id], queryFn: () => inventory.get(id) });
  const [dialog, setDialog] = useState<"crosslist" | "sold" | null>(null);
  const [delistJob, setDelistJob] = useState<string | null>(null);
  const delist = useMutation({
    mutationFn: () => inventory.delist(id),
    onSuccess: (job) => {
      setDelistJob(job.id);
      toast.show("Taking the listings down…");
      void queryClient.invalidateQueries({ queryKey: ["inventory"] });
      void queryClient.invalidateQueries({ queryKey: ["jobs"] });
    },
    onError: (e) => toast.error(errorMessage(e)),
  });

  if (item.isPending) return <Loading />;
  if (item.isError) return <ErrorState error={item.error} onRetry={() => item.refetch()} />;
  const data = item.data;
  const sold = data.status === "sold";
  const live = delistable(data).length;
  return (
    <>
      <PageHeader title={data.title}>
        <Link to={`/drafts/${data.id}`} className="rounded-md border border-slate-300 bg-white px-3 py-2 text-sm font-medium hover:bg-slate-50 dark:border-slate-700 dark:bg-slate-900 dark:hover:bg-slate-800">
          Edit the draft
        </Link>
        {!sold && <Button onClick={() => setDialog("crosslist")}>Crosslist…</Button>}
        {!sold && (
          <Button variant="secondary" onClick={() => setDialog("sold")}>
            Mark sold…
          </Button>
        )}
        <Button
          variant="danger"
          disabled={live === 0}
          title={live === 0 ? "Nothing is live or queued" : undefined}
          busy={delist.isPending}
          onClick={() => {
            if (window.confirm(`Take “${data.title}” down from ${live} listing${live === 1 ? "" : "s"}? The draft stays.`)) delist.mutate();
          }}
        >
          Delist everywhere
        </Button>
      </PageHeader>
      <div className="grid gap-6 lg:grid-cols-3">
        <div className="min-w-0 space-y-6 lg:col-span-2">
          {delistJob && <JobProgress jobId={delistJob} title="Delisting" showItems={false} />}
          <Card title="Listings">
            {data.listings.length === 0 ? (
              <p className="text-sm text-slate-600 dark:text-slate-400">Not listed anywhere yet. Crosslist it to put it on your accounts.</p>
            ) : (
              <>
                <p className="text-sm text-slate-500 dark:text-slate-400">{listingCounts(data)}</p>
                <ul className="divide-y divide-slate-200 dark:divide-slate-800" data-testid="platform-listings">
                  {data.listings.map((l) => (
                    <ListingRow key={l.id} listing={l} soldVia={l.id === data.sold_via} />
                  ))}
                </ul>
              </>
            )}
          </Card>
        </div>
        <Card title="Item">
          {data.media_ids[0] && <AuthImage mediaId={data.media_ids[0]} alt={data.title} className="mb-3 aspect-[4/3] w-full rounded" />}
          <dl className="grid grid-cols-[auto_minmax(0,1fr)] gap-x-3 gap-y-1 text-sm">
            <dt className="text-slate-500 dark:text-slate-400">Status</dt>
            <dd data-testid="item-status">
              <StatusBadge status={data.status} />
            </dd>
            <dt className="text-slate-500 dark:text-slate-400">Price</dt>
            <dd className="tabular-nums">{formatMoney(data.price, data.currency)}</dd>
            <dt className="text-slate-500 dark:text-slate-400">Category</dt>
            <dd className="break-words">{data.category}</dd>
            <dt className="text-slate-500 dark:text-slate-400">Condition</dt>
            <dd>{data.condition.replace(/_/g, " ")}</dd>
            {data.brand && (
              <>
                <dt className="text-slate-500 dark:text-slate-400">Brand</dt>
                <dd className="break-words">{data.brand}</dd>
              </>
            )}
            {data.size && (
              <>
                <dt className="text-slate-500 dark:text-slate-400">Size</dt>
                <dd className="break-words">{data.size}</dd>
              </>
            )}
            {sold && (
              <>
                <dt className="text-slate-500 dark:text-slate-400">Sold</dt>
                <dd data-testid="item-sold">
                  {formatMoney(data.sold_price, data.currency)}
                  {data.buyer ? ` to ${data.buyer}` : ""}
                  {data.sold_at ? ` · ${formatDate(data.sold_at)}` : ""}
                </dd>
              </>
            )}
          </dl>
        </Card>
      </div>
      {dialog === "crosslist" && <CrosslistDialog item={data} onClose={() => setDialog(null)} />}
      {dialog === "sold" && <MarkSoldDialog item={data} onClose={() => setDialog(null)} />}
    </>
  );
}
