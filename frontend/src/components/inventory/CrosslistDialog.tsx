/**
 * Crosslist one item: choose accounts (any platforms), see what each platform will receive (problems
 * block, warnings inform), set a price per account, then follow the job while the badges turn live.
 */
import { useMemo, useState } from "react";
import { Link } from "react-router";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { accounts } from "../../api/endpoints";
import { errorMessage } from "../../api/client";
import { inventory, type PlatformListingStatus, type TargetPreview } from "../../api/inventory";
import type { Account } from "../../api/platforms";
import { accountName, crosslistBody, crosslistCheck, formatMoney, groupAccounts, mappedRows, targetState } from "../../lib/inventory";
import { JobProgress } from "../JobProgress";
import { Dialog } from "../Dialog";
import { useToast } from "../toast";
import { Badge, Button, ErrorState, Loading, TextField } from "../ui";
import { AccountPicker, NoAccountYet } from "./AccountPicker";
import { ListingBadges } from "./Badges";

export interface CrosslistItem {
  id: string;
  title: string;
  status: string;
}

/** Every account of the workspace (the dialogs list them all, grouped by platform). */
export function useAllAccounts() {
  return useQuery({ queryKey: ["accounts", "list", { limit: 100 }], queryFn: () => accounts.list({ limit: 100 }), retry: false });
}

function TargetCard({
  account,
  target,
  price,
  onPrice,
  draftId,
  onEditDraft,
}: {
  account: Account;
  target: TargetPreview | undefined;
  price: string;
  onPrice: (value: string) => void;
  draftId: string;
  onEditDraft: () => void;
}) {
  const state = targetState(target, price);
  const where = `${account.platform_title} · ${accountName(account)}`;
  return (
    <section className="min-w-0 rounded-md border border-slate-200 p-3 dark:border-slate-800" data-testid="target-preview" data-state={state.kind} aria-label={`Preview for ${where}`}>
      <header className="mb-2 flex flex-wrap items-center gap-2">
        <h3 className="min-w-0 break-words text-sm font-semibold">{where}</h3>
        {target && !target.verified && <Badge tone="amber">unverified driver</Badge>}
        {state.kind === "loading" && <Badge>checking…</Badge>}
        {state.kind === "blocked" && <Badge tone="red">needs fixing</Badge>}
        {state.kind === "skipped" && <Badge>skipped</Badge>}
        {(state.kind === "ready" || state.kind === "bad-price") && <Badge tone="green">ready</Badge>}
      </header>
      {target && (
        <>
          <dl className="grid grid-cols-[auto_minmax(0,1fr)] gap-x-3 gap-y-1 text-sm">
            {mappedRows(target).map((row) => (
              <div key={row.label} className="contents">
                <dt className="text-slate-500 dark:text-slate-400">{row.label}</dt>
                <dd className="break-words" data-testid={`mapped-${row.label.toLowerCase()}`}>
                  {row.value}
                </dd>
              </div>
            ))}
            <dt className="text-slate-500 dark:text-slate-400">Price</dt>
            <dd className="tabular-nums" data-testid="mapped-price">
              {formatMoney(target.fields.price, target.fields.currency)}
            </dd>
          </dl>
          {state.kind === "skipped" && <p className="mt-2 text-sm text-slate-600 dark:text-slate-400">{state.reason}</p>}
          {target.problems.length > 0 && (
            <ul className="mt-2 space-y-1 rounded-md bg-rose-50 p-2 text-sm text-rose-800 dark:bg-rose-950 dark:text-rose-200" data-testid="preview-problems">
              {target.problems.map((p) => (
                <li key={`${p.field}:${p.message}`}>
                  {p.message}{" "}
                  <Link className="font-medium underline" to={`/drafts/${draftId}`} onClick={onEditDraft}>
                    Edit the draft
                  </Link>
                </li>
              ))}
            </ul>
          )}
          {target.warnings.length > 0 && (
            <ul className="mt-2 space-y-1 rounded-md bg-amber-50 p-2 text-sm text-amber-900 dark:bg-amber-950 dark:text-amber-100" data-testid="preview-warnings">
              {target.warnings.map((w) => (
                <li key={`${w.field}:${w.message}`}>
                  {w.message}
                </li>
              ))}
            </ul>
          )}
          {state.kind !== "skipped" && state.kind !== "blocked" && (
            <div className="mt-2 max-w-xs">
              <TextField
                label={`Price on ${where}`}
                inputMode="decimal"
                value={price}
                placeholder={target.fields.price === null ? "" : target.fields.price.toFixed(2)}
                hint={`Empty: ${formatMoney(target.fields.price, target.fields.currency)} (the platform's price rule)`}
                error={state.kind === "bad-price" ? state.message : undefined}
                onChange={(e) => onPrice(e.target.value)}
              />
            </div>
          )}
        </>
      )}
    </section>
  );
}

/** After the submit: the job's progress and the item's badges, both live. */
function Started({ item, jobId, onClose }: { item: CrosslistItem; jobId: string; onClose: () => void }) {
  const live = useQuery({ queryKey: ["inventory", "one", item.id], queryFn: () => inventory.get(item.id), retry: false });
  return (
    <div className="space-y-4">
      <JobProgress jobId={jobId} title="Crosslisting" showItems={false} />
      <div data-testid="crosslist-badges">
        <h3 className="mb-2 text-sm font-medium">Listings of this item</h3>
        {live.data ? <ListingBadges listings={live.data.listings} /> : <Loading label="Loading listings…" />}
      </div>
      <div className="flex flex-wrap justify-end gap-2">
        <Link className="rounded-md px-3 py-2 text-sm font-medium text-indigo-700 hover:underline dark:text-indigo-300" to={`/inventory/${item.id}`} onClick={onClose}>
          Open in inventory
        </Link>
        <Button onClick={onClose}>Close</Button>
      </div>
    </div>
  );
}

export function CrosslistDialog({ item, onClose }: { item: CrosslistItem; onClose: () => void }) {
  const toast = useToast();
  const queryClient = useQueryClient();
  const all = useAllAccounts();
  const current = useQuery({ queryKey: ["inventory", "one", item.id], queryFn: () => inventory.get(item.id), retry: false });
  const [chosen, setChosen] = useState<string[]>([]);
  const [prices, setPrices] = useState<Record<string, string>>({});
  const [jobId, setJobId] = useState<string | null>(null);
  const [refusal, setRefusal] = useState<string | null>(null);

  const ordered = useMemo(() => {
    const items = all.data?.items ?? [];
    return groupAccounts(items).flatMap((g) => g.accounts).filter((a) => chosen.includes(a.id));
  }, [all.data, chosen]);
  const ids = ordered.map((a) => a.id);
  const preview = useQuery({
    queryKey: ["crosslist-preview", item.id, [...ids].sort()],
    queryFn: ({ signal }) => inventory.preview(item.id, ids, signal),
    enabled: ids.length > 0,
    placeholderData: keepPreviousData,
    // Always asked again when the dialog opens: the draft may have just been fixed.
    staleTime: 0,
    retry: false,
  });
  // Until the answer for exactly these accounts, as the draft is now, arrives, nothing counts as checked.
  const fresh = preview.data && !preview.isPlaceholderData && !preview.isFetching;
  const targets = fresh ? preview.data.targets : [];
  const shown = new Map((preview.data?.targets ?? []).map((t) => [t.account_id, t]));
  const check = crosslistCheck(ids, targets, prices, (current.data?.status ?? item.status) === "sold");
  const existing: Record<string, PlatformListingStatus> = {};
  for (const l of current.data?.listings ?? []) existing[l.account_id] = l.status;

  const submit = useMutation({
    mutationFn: () => inventory.crosslist(item.id, crosslistBody(ids, targets, prices)),
    onSuccess: (job) => {
      setJobId(job.id);
      toast.show(`Crosslisting to ${check.count} account${check.count === 1 ? "" : "s"}…`);
      void queryClient.invalidateQueries({ queryKey: ["inventory"] });
      void queryClient.invalidateQueries({ queryKey: ["jobs"] });
    },
    onError: (error) => setRefusal(errorMessage(error)),
  });

  return (
    <Dialog title={`Crosslist “${item.title}”`} onClose={onClose} wide testId="crosslist-dialog">
      {jobId ? (
        <Started item={item} jobId={jobId} onClose={onClose} />
      ) : all.isPending ? (
        <Loading label="Loading accounts…" />
      ) : all.isError ? (
        <ErrorState error={all.error} onRetry={() => all.refetch()} />
      ) : all.data.items.length === 0 ? (
        <NoAccountYet onClose={onClose} />
      ) : (
        <div className="grid min-w-0 gap-4 md:grid-cols-[minmax(0,2fr)_minmax(0,3fr)]">
          <div className="min-w-0">
            <h3 className="mb-2 text-sm font-medium">Accounts</h3>
            <AccountPicker accounts={all.data.items} chosen={chosen} onChange={(next) => { setChosen(next); setRefusal(null); }} existing={existing} />
          </div>
          <div className="min-w-0 space-y-3" aria-live="polite">
            <h3 className="text-sm font-medium">What each platform receives</h3>
            {ids.length === 0 && <p className="text-sm text-slate-500 dark:text-slate-400">Choose accounts to see the preview.</p>}
            {preview.isError && <ErrorState error={preview.error} onRetry={() => preview.refetch()} />}
            {ordered.map((a) => (
              <TargetCard
                key={a.id}
                account={a}
                target={shown.get(a.id)}
                price={prices[a.id] ?? ""}
                onPrice={(value) => setPrices({ ...prices, [a.id]: value })}
                draftId={item.id}
                onEditDraft={onClose}
              />
            ))}
          </div>
          <div className="flex flex-wrap items-center justify-end gap-2 md:col-span-2">
            {refusal && (
              <p role="alert" className="w-full break-words text-sm text-rose-700 dark:text-rose-300" data-testid="crosslist-refused">
                {refusal}
              </p>
            )}
            {!check.ok && check.reason && (
              <p className="mr-auto text-sm text-slate-600 dark:text-slate-400" data-testid="crosslist-reason">
                {check.reason}
              </p>
            )}
            <Button variant="ghost" onClick={onClose}>
              Cancel
            </Button>
            <Button onClick={() => submit.mutate()} busy={submit.isPending} disabled={!check.ok}>
              {check.count > 0 ? `Crosslist to ${check.count} account${check.count === 1 ? "" : "s"}` : "Crosslist"}
            </Button>
          </div>
        </div>
      )}
    </Dialog>
  );
}
