/** Import an account's live listings: each is linked to a matching draft (title and photo) or becomes a new one. */
import { useState } from "react";
import { Link } from "react-router";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { jobs } from "../../api/endpoints";
import { errorMessage } from "../../api/client";
import { inventory } from "../../api/inventory";
import { accountBlocked, accountName, groupAccounts, importSummary } from "../../lib/inventory";
import { JobProgress } from "../JobProgress";
import { useToast } from "../toast";
import { Button, Card, ErrorState, Loading, SelectField } from "../ui";
import { useAllAccounts } from "./CrosslistDialog";

function ImportResult({ jobId }: { jobId: string }) {
  const record = useQuery({ queryKey: ["jobs", "one", jobId], queryFn: () => jobs.get(jobId) });
  const summary = importSummary(record.data?.result);
  if (!summary) return null;
  return (
    <p role="status" className="text-sm font-medium" data-testid="import-result">
      {summary}
    </p>
  );
}

export function ImportListings({ initialAccount = "" }: { initialAccount?: string }) {
  const toast = useToast();
  const queryClient = useQueryClient();
  const all = useAllAccounts();
  const [accountId, setAccountId] = useState(initialAccount);
  const [jobId, setJobId] = useState<string | null>(null);
  const start = useMutation({
    mutationFn: () => inventory.importListings(accountId),
    onSuccess: (job) => {
      setJobId(job.id);
      toast.show("Reading the account's listings…");
      void queryClient.invalidateQueries({ queryKey: ["jobs"] });
    },
    onError: (e) => toast.error(errorMessage(e)),
  });
  return (
    <Card title="Import listings">
      <p className="mb-3 text-sm text-slate-600 dark:text-slate-400">
        Already selling on an account? Import its live listings: each is linked to a draft with the same title and photo, or becomes a new draft. Importing again
        links nothing twice.
      </p>
      {all.isPending ? (
        <Loading label="Loading accounts…" />
      ) : all.isError ? (
        <ErrorState error={all.error} onRetry={() => all.refetch()} />
      ) : all.data.items.length === 0 ? (
        <p className="text-sm">
          No platform account yet. <Link className="text-indigo-600 underline dark:text-indigo-400" to="/accounts">Add one</Link> first.
        </p>
      ) : (
        <div className="flex flex-wrap items-end gap-3">
          <div className="min-w-0 flex-1 sm:max-w-sm">
            <SelectField label="Account to import from" value={accountId} onChange={(e) => setAccountId(e.target.value)}>
              <option value="">Choose an account</option>
              {groupAccounts(all.data.items).map((g) => (
                <optgroup key={g.platform} label={g.title}>
                  {g.accounts.map((a) => {
                    const blocked = accountBlocked(a);
                    return (
                      <option key={a.id} value={a.id} disabled={!!blocked}>
                        {accountName(a)}
                        {blocked ? ` (${blocked})` : ""}
                      </option>
                    );
                  })}
                </optgroup>
              ))}
            </SelectField>
          </div>
          <Button onClick={() => start.mutate()} busy={start.isPending} disabled={!accountId}>
            Import listings
          </Button>
        </div>
      )}
      {jobId && (
        <div className="mt-4 space-y-2">
          <JobProgress jobId={jobId} title="Importing listings" showItems={false} />
          <ImportResult jobId={jobId} />
        </div>
      )}
    </Card>
  );
}
