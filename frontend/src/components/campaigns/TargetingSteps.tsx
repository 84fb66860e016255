/**
 * Steps 4 and 5: which accounts post and how posts are shared out (filters and strategy),
 * then when (the schedule), each saved with PATCH; the plan preview refreshes after each
 * save. Step 5 ends with Start.
 */
import { useState, type FormEvent } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { campaigns, type Campaign, type CampaignUpdate } from "../../api/campaigns";
import { accounts, profiles, proxies } from "../../api/endpoints";
import { ACCOUNT_STATUSES } from "../../api/platforms";
import { errorMessage } from "../../api/client";
import {
  STRATEGIES,
  campaignFieldErrors,
  scheduleForm,
  scheduleValues,
  targetingForm,
  targetingValues,
  type FormErrors,
  type ScheduleForm,
  type TargetingForm,
} from "../../lib/campaignForms";
import { useToast } from "../toast";
import { Button, Card, CheckboxField, SelectField, TextField } from "../ui";
import { PlanPreview } from "./PlanPreview";

/** PATCH the campaign; field errors come back keyed by the API's paths. */
function useSave(campaign: Campaign, setErrors: (e: FormErrors) => void, done: string) {
  const toast = useToast();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CampaignUpdate) => campaigns.update(campaign.id, body),
    onSuccess: () => {
      toast.success(done);
      void queryClient.invalidateQueries({ queryKey: ["campaigns", campaign.id] });
    },
    onError: (e) => {
      const found = campaignFieldErrors(e);
      setErrors(found.fields);
      if (found.other) toast.error(found.other);
    },
  });
}

function Checks({ legend, options, chosen, onChange, error }: { legend: string; options: { value: string; label: string }[]; chosen: string[]; onChange: (v: string[]) => void; error?: string }) {
  return (
    <fieldset className="space-y-1">
      <legend className="text-sm font-medium">{legend}</legend>
      <p className="text-xs text-slate-500 dark:text-slate-400">None ticked: any.</p>
      {options.map((o) => (
        <CheckboxField key={o.value} label={o.label} checked={chosen.includes(o.value)} onChange={(e) => onChange(e.target.checked ? [...chosen, o.value] : chosen.filter((x) => x !== o.value))} />
      ))}
      {error && <p className="text-xs text-rose-600 dark:text-rose-400">{error}</p>}
    </fieldset>
  );
}

export function AccountsStep({ campaign, onNext }: { campaign: Campaign; onNext: () => void }) {
  const [form, setForm] = useState<TargetingForm>(() => targetingForm(campaign));
  const [errors, setErrors] = useState<FormErrors>({});
  const platforms = useQuery({ queryKey: ["accounts", "platforms"], queryFn: accounts.platforms, staleTime: 5 * 60_000 });
  const proxyList = useQuery({ queryKey: ["proxies", "list", { limit: 100 }], queryFn: () => proxies.list({ limit: 100 }) });
  const profileList = useQuery({ queryKey: ["profiles", "list", { limit: 100 }], queryFn: () => profiles.list({ limit: 100 }) });
  // The tags the workspace's accounts carry, offered as a hint.
  const accountList = useQuery({ queryKey: ["accounts", "list", { limit: 100 }], queryFn: () => accounts.list({ limit: 100 }) });
  const tagsInUse = [...new Set((accountList.data?.items ?? []).flatMap((a) => a.tags))].sort();
  const save = useSave(campaign, setErrors, "Accounts saved");
  const set = <K extends keyof TargetingForm>(key: K, value: TargetingForm[K]) => setForm((f) => ({ ...f, [key]: value }));
  const submit = (e: FormEvent, next: boolean) => {
    e.preventDefault();
    const { body, errors: invalid } = targetingValues(form);
    setErrors(invalid);
    if (Object.keys(invalid).length === 0) save.mutate(body, { onSuccess: () => next && onNext() });
  };
  return (
    <div className="space-y-6">
      <Card title="Which accounts post">
        <form aria-label="Accounts and strategy" onSubmit={(e) => submit(e, true)} noValidate className="space-y-5">
          <div className="grid gap-5 sm:grid-cols-2">
            <Checks
              legend="Platforms"
              options={(platforms.data ?? []).map((p) => ({ value: p.name, label: p.title }))}
              chosen={form.platforms}
              error={errors["targeting.platforms"]}
              onChange={(v) => set("platforms", v)}
            />
            <Checks
              legend="Account statuses"
              options={ACCOUNT_STATUSES.map((s) => ({ value: s, label: s.replace(/_/g, " ") }))}
              chosen={form.statuses}
              error={errors["targeting.statuses"]}
              onChange={(v) => set("statuses", v)}
            />
            <TextField label="Tags" placeholder="e.g. fashion, eu" hint={`Comma separated; an account needs every tag.${tagsInUse.length ? ` In use: ${tagsInUse.join(", ")}.` : ""}`} value={form.tags} error={errors["targeting.tags"]} onChange={(e) => set("tags", e.target.value)} />
            <SelectField label="Proxy" value={form.proxyId} error={errors["targeting.proxy_id"]} onChange={(e) => set("proxyId", e.target.value)}>
              <option value="">Any</option>
              {(proxyList.data?.items ?? []).map((p) => (
                <option key={p.id} value={p.id}>
                  {p.label || p.host}
                </option>
              ))}
            </SelectField>
            <SelectField label="Browser profile" value={form.profileId} error={errors["targeting.profile_id"]} onChange={(e) => set("profileId", e.target.value)}>
              <option value="">Any</option>
              {(profileList.data?.items ?? []).map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </SelectField>
          </div>
          {errors.targeting && <p className="text-sm text-rose-600 dark:text-rose-400">{errors.targeting}</p>}
          <fieldset className="space-y-2">
            <legend className="text-sm font-medium">How posts are shared out</legend>
            {STRATEGIES.map((s) => (
              <label key={s.value} className="flex items-start gap-2 text-sm">
                <input type="radio" name="strategy" className="mt-1" checked={form.strategy === s.value} onChange={() => set("strategy", s.value)} />
                <span>
                  <span className="font-medium">{s.label}</span>
                  <span className="block text-xs text-slate-500 dark:text-slate-400">{s.explain}</span>
                </span>
              </label>
            ))}
            {errors.strategy && <p className="text-xs text-rose-600 dark:text-rose-400">{errors.strategy}</p>}
          </fieldset>
          <div className="flex flex-wrap gap-2">
            <Button variant="secondary" busy={save.isPending} onClick={(e) => submit(e, false)}>
              Save and preview
            </Button>
            <Button type="submit" busy={save.isPending}>
              Save and continue
            </Button>
          </div>
        </form>
      </Card>
      <PlanPreview campaignId={campaign.id} />
    </div>
  );
}

export function ScheduleStep({ campaign, onStarted }: { campaign: Campaign; onStarted: () => void }) {
  const toast = useToast();
  const queryClient = useQueryClient();
  const [form, setForm] = useState<ScheduleForm>(() => scheduleForm(campaign.schedule));
  const [errors, setErrors] = useState<FormErrors>({});
  const save = useSave(campaign, setErrors, "Schedule saved");
  const start = useMutation({
    mutationFn: async () => {
      const { body } = scheduleValues(form);
      await campaigns.update(campaign.id, { schedule: body });
      return campaigns.start(campaign.id);
    },
    onSuccess: () => {
      toast.success("Campaign started");
      void queryClient.invalidateQueries({ queryKey: ["campaigns"] });
      void queryClient.invalidateQueries({ queryKey: ["jobs"] });
      onStarted();
    },
    onError: (e) => {
      const found = campaignFieldErrors(e);
      setErrors(found.fields);
      const elsewhere = Object.entries(found.fields).filter(([k]) => !k.startsWith("schedule"));
      // Errors of another step's fields (no account matched, say) are told here, where Start was pressed.
      const told = [...elsewhere.map(([k, v]) => `${k.replace(/[._]/g, " ")}: ${v}`), ...(found.other ? [found.other] : [])];
      if (told.length) toast.error(told.join("; "));
      else if (!Object.keys(found.fields).length) toast.error(errorMessage(e));
    },
  });
  const set = (key: keyof ScheduleForm, field: string) => (e: { target: { value: string } }) => {
    setForm((f) => ({ ...f, [key]: e.target.value }));
    setErrors(({ [field]: _gone, ...rest }) => rest);
  };
  const check = (): boolean => {
    const invalid = scheduleValues(form).errors;
    setErrors(invalid);
    return Object.keys(invalid).length === 0;
  };
  const e = (k: string) => errors[`schedule.${k}`];
  return (
    <div className="space-y-6">
      <Card title="When posts go out">
        <form
          aria-label="Schedule"
          noValidate
          className="grid gap-4 sm:grid-cols-2"
          onSubmit={(ev) => {
            ev.preventDefault();
            if (check()) save.mutate({ schedule: scheduleValues(form).body });
          }}
        >
          <TextField label="Starts at" type="datetime-local" value={form.startsAt} error={e("starts_at")} hint="Your browser's time; empty: as soon as it starts" onChange={set("startsAt", "schedule.starts_at")} />
          <TextField label="Time zone" value={form.timezone} error={e("timezone")} hint="Of the active hours, like Europe/Paris" onChange={set("timezone", "schedule.timezone")} />
          <TextField label="Active from" value={form.activeFrom} error={e("active_from")} hint="HH:MM" onChange={set("activeFrom", "schedule.active_from")} />
          <TextField label="Active until" value={form.activeTo} error={e("active_to")} hint="HH:MM, 24:00 for the end of the day" onChange={set("activeTo", "schedule.active_to")} />
          <TextField label="Minutes between posts of one account" inputMode="numeric" value={form.spacingMinutes} error={e("spacing_minutes")} onChange={set("spacingMinutes", "schedule.spacing_minutes")} />
          <TextField label="Posts per account per day" inputMode="numeric" value={form.postsPerAccountPerDay} error={e("posts_per_account_per_day")} onChange={set("postsPerAccountPerDay", "schedule.posts_per_account_per_day")} />
          <div className="flex flex-wrap gap-2 sm:col-span-2">
            <Button type="submit" variant="secondary" busy={save.isPending}>
              Save and preview
            </Button>
            <Button
              busy={start.isPending}
              onClick={() => {
                if (check() && window.confirm(`Start “${campaign.name}”? Its posts will be published on the accounts in the preview.`)) start.mutate();
              }}
            >
              Start campaign
            </Button>
          </div>
        </form>
      </Card>
      <PlanPreview campaignId={campaign.id} />
    </div>
  );
}
