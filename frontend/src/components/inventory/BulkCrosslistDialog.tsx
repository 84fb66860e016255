/** Crosslist many items to the same accounts, one publish per account every so many seconds, and follow the job. */
import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { errorMessage } from "../../api/client";
import { inventory } from "../../api/inventory";
import { parseSpacing } from "../../lib/inventory";
import { JobProgress } from "../JobProgress";
import { Dialog } from "../Dialog";
import { useToast } from "../toast";
import { Button, ErrorState, Loading, TextField } from "../ui";
import { AccountPicker, NoAccountYet } from "./AccountPicker";
import { useAllAccounts } from "./CrosslistDialog";

export function BulkCrosslistDialog({ listingIds, onClose, onStarted }: { listingIds: string[]; onClose: () => void; onStarted?: () => void }) {
  const toast = useToast();
  const queryClient = useQueryClient();
  const all = useAllAccounts();
  const [chosen, setChosen] = useState<string[]>([]);
  const [spacing, setSpacing] = useState("60");
  const [jobId, setJobId] = useState<string | null>(null);
  const [refusal, setRefusal] = useState<string | null>(null);
  const gap = parseSpacing(spacing);
  const n = listingIds.length;
  const submit = useMutation({
    mutationFn: () => inventory.bulkCrosslist({ listing_ids: listingIds, account_ids: chosen, spacing_seconds: "value" in gap ? gap.value : 60 }),
    onSuccess: (job) => {
      setJobId(job.id);
      onStarted?.();
      toast.show(`Crosslisting ${n} item${n === 1 ? "" : "s"}…`);
      void queryClient.invalidateQueries({ queryKey: ["inventory"] });
      void queryClient.invalidateQueries({ queryKey: ["jobs"] });
    },
    // The API names which item on which account has what problem (the first ten).
    onError: (error) => setRefusal(errorMessage(error)),
  });
  return (
    <Dialog title={`Crosslist ${n} item${n === 1 ? "" : "s"}`} onClose={onClose} testId="bulk-crosslist-dialog">
      {jobId ? (
        <div className="space-y-4">
          <JobProgress jobId={jobId} title="Crosslisting" showItems={false} />
          <p className="text-sm text-slate-600 dark:text-slate-400">Publishes are spaced on each account; the badges in the list turn live as they go.</p>
          <div className="flex justify-end">
            <Button onClick={onClose}>Close</Button>
          </div>
        </div>
      ) : all.isPending ? (
        <Loading label="Loading accounts…" />
      ) : all.isError ? (
        <ErrorState error={all.error} onRetry={() => all.refetch()} />
      ) : all.data.items.length === 0 ? (
        <NoAccountYet onClose={onClose} />
      ) : (
        <div className="space-y-4">
          <AccountPicker accounts={all.data.items} chosen={chosen} onChange={(next) => { setChosen(next); setRefusal(null); }} />
          <div className="max-w-xs">
            <TextField
              label="Seconds between publishes on one account"
              inputMode="numeric"
              value={spacing}
              error={"error" in gap ? gap.error : undefined}
              hint="Spacing keeps each account's pace human."
              onChange={(e) => setSpacing(e.target.value)}
            />
          </div>
          <p className="text-sm text-slate-600 dark:text-slate-400">
            Each item is checked for every chosen platform first; if one misses a required field, nothing starts and the reason names it.
          </p>
          {refusal && (
            <p role="alert" className="break-words text-sm text-rose-700 dark:text-rose-300" data-testid="crosslist-refused">
              {refusal}
            </p>
          )}
          <div className="flex justify-end gap-2">
            <Button variant="ghost" onClick={onClose}>
              Cancel
            </Button>
            <Button onClick={() => submit.mutate()} busy={submit.isPending} disabled={chosen.length === 0 || "error" in gap}>
              Crosslist {n} item{n === 1 ? "" : "s"} to {chosen.length} account{chosen.length === 1 ? "" : "s"}
            </Button>
          </div>
        </div>
      )}
    </Dialog>
  );
}
