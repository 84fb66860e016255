/**
 * Create or edit a collection: project, name, brief, keywords (chips), sources (each explained),
 * the account that collects (unverified drivers said so), maximum, validation level (what each
 * checks), approval threshold (a slider) and chunk size. A started collection keeps what it crawls.
 */
import { useState, type FormEvent } from "react";
import { Link } from "react-router";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { collections, projects, type Collection, type Source } from "../../api/collect";
import { accounts } from "../../api/endpoints";
import { LEVELS, SOURCES, accountText, collectAccounts, collectionActions, sourceLabel, unsupportedSources } from "../../lib/collect";
import { collectFieldErrors, collectionForm, collectionPatch, collectionValues, emptyCollection, type CollectionForm as Form, type FormErrors } from "../../lib/collectForms";
import { useToast } from "../toast";
import { Button, Card, CheckboxField, SelectField, TextArea, TextField } from "../ui";
import { KeywordChips } from "./KeywordChips";

const fieldError = (error?: string) => (error ? <p className="text-xs text-rose-600 dark:text-rose-400">{error}</p> : null);

export function CollectionForm({ collection, projectId = "", onSaved }: { collection?: Collection; projectId?: string; onSaved: (c: Collection) => void }) {
  const toast = useToast();
  const queryClient = useQueryClient();
  const [form, setForm] = useState<Form>(() => (collection ? collectionForm(collection) : emptyCollection(projectId)));
  const [errors, setErrors] = useState<FormErrors>({});
  const projectList = useQuery({ queryKey: ["projects", "list", { limit: 100 }], queryFn: () => projects.list({ limit: 100 }) });
  const accountList = useQuery({ queryKey: ["accounts", "list", { limit: 100 }], queryFn: () => accounts.list({ limit: 100 }) });
  const choices = collectAccounts(accountList.data?.items ?? []);
  const crawlFixed = !!collection && !collectionActions(collection.status).editCrawl;
  const set = <K extends keyof Form>(key: K, value: Form[K], field: string) => {
    setForm((f) => ({ ...f, [key]: value }));
    setErrors(({ [field]: _gone, ...rest }) => rest);
  };
  const save = useMutation({
    mutationFn: async (): Promise<Collection> => {
      if (!collection) return collections.create(collectionValues(form).body);
      const { body } = collectionPatch(collection, form);
      return Object.keys(body).length ? collections.update(collection.id, body) : collection;
    },
    onSuccess: (saved) => {
      toast.success(collection ? "Collection saved" : "Collection created");
      void queryClient.invalidateQueries({ queryKey: ["collections"] });
      void queryClient.invalidateQueries({ queryKey: ["projects"] });
      onSaved(saved);
    },
    onError: (e) => {
      const found = collectFieldErrors(e);
      setErrors(found.fields);
      if (found.other) toast.error(found.other);
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const invalid = collection ? collectionPatch(collection, form).errors : collectionValues(form).errors;
    setErrors(invalid);
    if (Object.keys(invalid).length === 0) save.mutate();
  };
  const toggleSource = (source: Source, on: boolean) =>
    set("sources", on ? [...form.sources, source] : form.sources.filter((s) => s !== source), "sources");
  const chosen = choices.find((a) => a.id === form.accountId);
  const missing = unsupportedSources(chosen, form.sources);
  return (
    <Card>
      <form aria-label={collection ? "Edit collection" : "New collection"} onSubmit={submit} noValidate className="grid gap-5 sm:grid-cols-2">
        <SelectField label="Project" value={form.projectId} error={errors.project_id} disabled={!!collection} onChange={(e) => set("projectId", e.target.value, "project_id")}>
          <option value="">Choose…</option>
          {(projectList.data?.items ?? []).map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
        </SelectField>
        <TextField label="Name" maxLength={100} value={form.name} error={errors.name} onChange={(e) => set("name", e.target.value, "name")} />
        <div className="sm:col-span-2">
          <TextArea
            label="Brief"
            rows={3}
            maxLength={4000}
            value={form.brief}
            error={errors.brief}
            hint="What a good image is. At the thorough level the AI scores each image 0–1 against it."
            onChange={(e) => set("brief", e.target.value, "brief")}
          />
        </div>
        <div className="sm:col-span-2">
          <KeywordChips value={form.keywords} disabled={crawlFixed} error={errors.keywords} onChange={(k) => set("keywords", k, "keywords")} />
        </div>
        <fieldset className="space-y-2 sm:col-span-2" disabled={crawlFixed}>
          <legend className="text-sm font-medium">Sources</legend>
          {SOURCES.map((s) => (
            <CheckboxField key={s.value} label={s.label} hint={s.hint} checked={form.sources.includes(s.value)} onChange={(e) => toggleSource(s.value, e.target.checked)} />
          ))}
          {fieldError(errors.sources)}
          {!errors.sources && missing.length > 0 && chosen && (
            <p className="text-xs text-amber-700 dark:text-amber-300">
              {chosen.platform} accounts cannot crawl {missing.map(sourceLabel).join(" or ")}.
            </p>
          )}
        </fieldset>
        <div className="space-y-1">
          <SelectField
            label="Account that collects"
            value={form.accountId}
            error={errors.account_id}
            disabled={crawlFixed}
            hint={chosen && !chosen.verified ? "This platform's driver has not been verified against the real site: it may fail." : "Images are downloaded through its browser, proxy and cookies."}
            onChange={(e) => set("accountId", e.target.value, "account_id")}
          >
            <option value="">Choose…</option>
            {choices.map((a) => (
              <option key={a.id} value={a.id}>
                {accountText(a)}
              </option>
            ))}
          </SelectField>
          {accountList.isSuccess && choices.length === 0 && (
            <p className="text-xs text-amber-700 dark:text-amber-300">
              No account can collect images yet. <Link to="/accounts" className="underline">Add a Pinterest, Vinted or sandbox account</Link>.
            </p>
          )}
        </div>
        <TextField label="Maximum images kept" type="number" min={1} max={10000} value={form.maxImages} error={errors.max_images} hint="1–10,000; duplicates and rejected images do not count." onChange={(e) => set("maxImages", e.target.value, "max_images")} />
        <TextField label="Chunk size" type="number" min={1} max={200} value={form.chunkSize} error={errors.chunk_size} disabled={crawlFixed} hint="Results of one keyword each chunk reads (1–200); chunks run, stop and retry on their own." onChange={(e) => set("chunkSize", e.target.value, "chunk_size")} />
        {form.sources.includes("board_ideas") && (
          <TextField label="Pins saved in the warm-up" type="number" min={0} max={50} value={form.warmupPins} error={errors.warmup_pins} disabled={crawlFixed} hint="0–50 pins saved to the board before its ideas are read." onChange={(e) => set("warmupPins", e.target.value, "warmup_pins")} />
        )}
        <fieldset className="space-y-2 sm:col-span-2" disabled={!!collection}>
          <legend className="text-sm font-medium">Validation level</legend>
          {collection && <p className="text-xs text-slate-500 dark:text-slate-400">Change it with “Validate again” on the collection’s page.</p>}
          {LEVELS.map((l) => (
            <label key={l.value} className="flex items-start gap-2 text-sm">
              <input type="radio" name="validation_level" className="mt-1" value={l.value} checked={form.level === l.value} onChange={() => set("level", l.value, "validation_level")} />
              <span>
                <span className="font-medium">{l.label}</span>
                <span className="block text-xs text-slate-500 dark:text-slate-400">{l.checks}</span>
              </span>
            </label>
          ))}
          {fieldError(errors.validation_level)}
        </fieldset>
        <ThresholdSlider value={form.threshold} onChange={(v) => set("threshold", v, "threshold")} error={errors.threshold} />
        <div className="sm:col-span-2">
          <Button type="submit" busy={save.isPending}>
            {collection ? "Save" : "Create collection"}
          </Button>
        </div>
      </form>
    </Card>
  );
}

/** The approval threshold 0–1 as a slider with its value. */
export function ThresholdSlider({ value, onChange, error }: { value: number; onChange: (v: number) => void; error?: string }) {
  return (
    <div className="space-y-1 sm:col-span-2">
      <label className="flex items-center justify-between text-sm font-medium">
        <span>Approval threshold</span>
        <output className="tabular-nums">{value.toFixed(2)}</output>
      </label>
      <input
        type="range"
        aria-label="Approval threshold"
        min={0}
        max={1}
        step={0.05}
        value={value}
        onChange={(e) => onChange(Number(e.target.value))}
        className="w-full accent-indigo-600"
      />
      <p className="text-xs text-slate-500 dark:text-slate-400">An AI score at or above it approves the image, below it disqualifies (thorough level).</p>
      {fieldError(error)}
    </div>
  );
}
