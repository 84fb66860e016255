/**
 * Give a workspace another plan, or one limit another value, until a date and time, for a reason
 * (both required: the override ends by itself then, and the reason goes to the audit log).
 */
import { useState, type FormEvent } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { admin } from "../../api/admin";
import { apiFieldErrors } from "../../lib/fieldErrors";
import type { Limit } from "../../api/endpoints";
import { OVERRIDE_FIELDS, PLAN_NAMES, checkOverride, emptyOverride, type OverrideErrors, type OverrideForm as Form } from "../../lib/admin";
import { useToast } from "../toast";
import { Button, SelectField, TextArea, TextField } from "../ui";

/** The earliest value a datetime-local input should offer: now, in the person's zone, to the minute. */
function localNow(now: Date): string {
  const local = new Date(now.getTime() - now.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 16);
}

export function OverrideForm({ workspaceId, limits, now = () => new Date() }: { workspaceId: string; limits: Limit[]; now?: () => Date }) {
  const toast = useToast();
  const queryClient = useQueryClient();
  const [form, setForm] = useState<Form>(() => ({ ...emptyOverride(), resource: limits[0]?.resource ?? "" }));
  const [errors, setErrors] = useState<OverrideErrors>({});
  const save = useMutation({
    mutationFn: admin.addOverride.bind(null, workspaceId),
    onSuccess: () => {
      toast.success("Override set");
      setForm({ ...emptyOverride(), resource: form.resource, kind: form.kind });
      void queryClient.invalidateQueries({ queryKey: ["admin", "workspaces"] });
    },
    onError: (e) => {
      // What the API refused, by the field that shows it; anything else in a toast.
      const found = apiFieldErrors(e, (path) => OVERRIDE_FIELDS[path] ?? null);
      setErrors(found.fields);
      if (found.other) toast.error(found.other);
    },
  });
  const edit = (patch: Partial<Form>) => {
    setForm((f) => ({ ...f, ...patch }));
    setErrors((old) => {
      const next = { ...old };
      for (const key of Object.keys(patch)) delete next[key as keyof OverrideErrors];
      return next;
    });
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const { errors: found, body } = checkOverride(form, now());
    setErrors(found);
    if (body) save.mutate(body);
  };
  return (
    <form aria-label="New override" onSubmit={submit} noValidate className="space-y-3">
      <fieldset className="flex flex-wrap gap-4 text-sm">
        <legend className="mb-1 text-sm font-medium">Override</legend>
        {(["limit", "plan"] as const).map((kind) => (
          <label key={kind} className="flex items-center gap-2">
            <input type="radio" name="override-kind" value={kind} checked={form.kind === kind} onChange={() => edit({ kind })} />
            {kind === "limit" ? "One limit" : "The whole plan"}
          </label>
        ))}
      </fieldset>
      <div className="grid gap-3 sm:grid-cols-2">
        {form.kind === "plan" ? (
          <SelectField label="Plan" value={form.plan} error={errors.plan} onChange={(e) => edit({ plan: e.target.value })}>
            {PLAN_NAMES.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </SelectField>
        ) : (
          <>
            <SelectField label="Limit" value={form.resource} error={errors.resource} onChange={(e) => edit({ resource: e.target.value })}>
              {limits.map((l) => (
                <option key={l.resource} value={l.resource}>
                  {l.label} (now {l.limit})
                </option>
              ))}
            </SelectField>
            <TextField label="New limit" inputMode="numeric" value={form.limit} error={errors.limit} onChange={(e) => edit({ limit: e.target.value })} />
          </>
        )}
        <TextField
          label="Ends at"
          type="datetime-local"
          min={localNow(now())}
          value={form.expiresAt}
          error={errors.expiresAt}
          hint="Your local time; the workspace falls back to its own plan then."
          onChange={(e) => edit({ expiresAt: e.target.value })}
        />
      </div>
      <TextArea
        label="Reason"
        rows={2}
        maxLength={500}
        value={form.reason}
        error={errors.reason}
        hint="Required. Kept with the override and in the workspace's audit log."
        onChange={(e) => edit({ reason: e.target.value })}
      />
      <Button type="submit" busy={save.isPending}>
        Set override
      </Button>
    </form>
  );
}
