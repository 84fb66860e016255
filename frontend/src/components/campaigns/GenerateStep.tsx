/**
 * Step 2: what AI writes. One brief per post (rows to add and remove) or N posts from the
 * campaign's brief; the batch is a job whose events (lib/events) refetch the posts as each
 * is written, so they appear here live.
 */
import { useEffect, useState, type FormEvent } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { campaigns, type Campaign } from "../../api/campaigns";
import { useJobProgress } from "../../lib/events";
import { campaignFieldErrors, emptyRow, generateBody, type BriefRow, type FormErrors, type GenerateForm } from "../../lib/campaignForms";
import { JobBar, JobStatusBadge } from "../jobs";
import { jobSummary } from "../../lib/jobs";
import { useToast } from "../toast";
import { Button, Card, CheckboxField, StatusBadge, TextField } from "../ui";
import { usePostsQuery } from "./hooks";

function RowEditor({ row, index, errors, onChange, onRemove, removable }: { row: BriefRow; index: number; errors: FormErrors; onChange: (r: BriefRow) => void; onRemove: () => void; removable: boolean }) {
  const e = (field: string) => errors[`posts.${index}.${field}`];
  const n = index + 1;
  return (
    <li className="grid gap-3 rounded-md border border-slate-200 p-3 sm:grid-cols-2 dark:border-slate-800" data-testid="brief-row">
      <TextField label={`Post ${n}: topic`} maxLength={200} value={row.topic} error={e("topic")} onChange={(ev) => onChange({ ...row, topic: ev.target.value })} />
      <TextField label={`Post ${n}: brief`} maxLength={4000} value={row.brief} error={e("brief")} placeholder="what to say (optional)" onChange={(ev) => onChange({ ...row, brief: ev.target.value })} />
      <TextField label={`Post ${n}: tone`} maxLength={100} value={row.tone} error={e("tone")} placeholder="the campaign's" onChange={(ev) => onChange({ ...row, tone: ev.target.value })} />
      <TextField label={`Post ${n}: audience`} maxLength={300} value={row.audience} error={e("audience")} placeholder="the campaign's" onChange={(ev) => onChange({ ...row, audience: ev.target.value })} />
      <div className="flex items-center justify-between gap-2 sm:col-span-2">
        <CheckboxField label={`Post ${n}: with an image`} checked={row.withImage} onChange={(ev) => onChange({ ...row, withImage: ev.target.checked })} />
        {removable && (
          <Button variant="ghost" onClick={onRemove} aria-label={`Remove post ${n}`}>
            Remove
          </Button>
        )}
      </div>
    </li>
  );
}

/** The batch job being followed: its live bar, and a refetch of the posts as each is written. */
function BatchProgress({ campaignId, jobId }: { campaignId: string; jobId: string }) {
  const state = useJobProgress(jobId);
  const queryClient = useQueryClient();
  const settled = state ? state.done + state.failed : 0;
  const status = state?.status;
  useEffect(() => {
    void queryClient.invalidateQueries({ queryKey: ["campaigns", campaignId] });
  }, [settled, status, campaignId, queryClient]);
  const job = state ?? { status: "connecting" as const, total: 0, done: 0, failed: 0 };
  const summary = jobSummary(job);
  return (
    <div className="space-y-2" data-testid="batch-progress">
      <div className="flex items-center justify-between gap-2 text-sm">
        <span>Writing posts · {summary.countsText || "starting…"}</span>
        <JobStatusBadge summary={summary} />
      </div>
      <JobBar job={job} label="Posts written" />
    </div>
  );
}

export function GenerateStep({ campaign, onNext }: { campaign: Campaign; onNext: () => void }) {
  const toast = useToast();
  const queryClient = useQueryClient();
  const [form, setForm] = useState<GenerateForm>(() => ({ mode: "rows", rows: [emptyRow(), emptyRow(), emptyRow()], count: "5", withImage: false }));
  const [errors, setErrors] = useState<FormErrors>({});
  const [jobId, setJobId] = useState<string | null>(null);
  // A batch still running when the page opens (a reload, another tab) is followed too.
  const batches = useQuery({ queryKey: ["campaigns", campaign.id, "batches"], queryFn: () => campaigns.batches(campaign.id, { limit: 5 }), retry: false });
  const running = batches.data?.items.find((b) => b.status === "running" && b.job_id);
  const followed = jobId ?? running?.job_id ?? null;
  const posts = usePostsQuery(campaign.id);
  const generate = useMutation({
    mutationFn: () => campaigns.generate(campaign.id, generateBody(form).body),
    onSuccess: (batch) => {
      toast.success(`Writing ${batch.requested} post${batch.requested === 1 ? "" : "s"}…`);
      setJobId(batch.job_id);
      void queryClient.invalidateQueries({ queryKey: ["campaigns", campaign.id] });
      void queryClient.invalidateQueries({ queryKey: ["jobs"] });
    },
    onError: (e) => {
      const found = campaignFieldErrors(e, form.rows);
      setErrors(found.fields);
      if (found.other) toast.error(found.other);
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const invalid = generateBody(form).errors;
    setErrors(invalid);
    if (Object.keys(invalid).length === 0) generate.mutate();
  };
  const setRows = (rows: BriefRow[]) => {
    setForm((f) => ({ ...f, rows }));
    setErrors({});
  };
  const written = posts.data?.items ?? [];
  return (
    <div className="space-y-6">
      <Card title="What to write">
        <form aria-label="Generate posts" onSubmit={submit} noValidate className="space-y-4">
          <fieldset className="flex flex-wrap gap-4">
            <legend className="sr-only">How to write the posts</legend>
            {(
              [
                ["rows", "One brief per post"],
                ["count", "A number of posts from the campaign brief"],
              ] as const
            ).map(([mode, label]) => (
              <label key={mode} className="flex items-center gap-2 text-sm font-medium">
                <input type="radio" name="generate-mode" checked={form.mode === mode} onChange={() => setForm((f) => ({ ...f, mode }))} />
                {label}
              </label>
            ))}
          </fieldset>
          {form.mode === "rows" ? (
            <>
              <ol className="space-y-3">
                {form.rows.map((row, i) => (
                  <RowEditor
                    key={row.key}
                    row={row}
                    index={i}
                    errors={errors}
                    removable={form.rows.length > 1}
                    onChange={(r) => setRows(form.rows.map((x) => (x.key === r.key ? r : x)))}
                    onRemove={() => setRows(form.rows.filter((x) => x.key !== row.key))}
                  />
                ))}
              </ol>
              <Button variant="secondary" onClick={() => setRows([...form.rows, emptyRow()])}>
                Add a post
              </Button>
            </>
          ) : (
            <div className="grid gap-3 sm:grid-cols-2">
              <TextField label="How many posts" inputMode="numeric" value={form.count} error={errors.count} hint="1 to 200" onChange={(e) => setForm((f) => ({ ...f, count: e.target.value }))} />
              <CheckboxField label="Each with an image" className="self-end pb-2" checked={form.withImage} onChange={(e) => setForm((f) => ({ ...f, withImage: e.target.checked }))} />
            </div>
          )}
          {errors.posts && (
            <p role="alert" className="text-sm text-rose-600 dark:text-rose-400">
              {errors.posts}
            </p>
          )}
          <p className="text-xs text-slate-500 dark:text-slate-400">Each post written uses one AI generation of your plan.</p>
          <Button type="submit" busy={generate.isPending}>
            Generate
          </Button>
        </form>
      </Card>
      <Card title={`Posts (${written.length})`}>
        <div className="space-y-4">
          {followed && <BatchProgress campaignId={campaign.id} jobId={followed} />}
          {written.length === 0 ? (
            <p className="text-sm text-slate-500 dark:text-slate-400">Posts appear here as they are written.</p>
          ) : (
            <ol className="divide-y divide-slate-200 dark:divide-slate-800" data-testid="generated-posts">
              {written.map((p) => (
                <li key={p.id} className="flex items-start gap-3 py-2 text-sm" data-testid="generated-post">
                  <span className="w-6 shrink-0 tabular-nums text-slate-500">{p.position + 1}.</span>
                  <span className="min-w-0 flex-1 break-words">
                    {p.content_state === "ready" ? p.caption : p.content_state === "failed" ? <span className="text-rose-600 dark:text-rose-400">{p.content_error || "Could not be written"}</span> : <em className="text-slate-500">writing{p.topic ? ` “${p.topic}”` : ""}…</em>}
                  </span>
                  <StatusBadge status={p.content_state} />
                </li>
              ))}
            </ol>
          )}
          <Button variant="secondary" onClick={onNext} disabled={written.length === 0}>
            Review the posts
          </Button>
        </div>
      </Card>
    </div>
  );
}
