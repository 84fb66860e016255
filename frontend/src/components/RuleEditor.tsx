/**
 * The create/edit form of an automation rule: the kind's own parameters, then the
 * schedule. Each field is checked as the API would (lib/automationForms) before
 * sending; the API's field errors land on the same fields.
 */
import { useMemo, useState, type FormEvent } from "react";
import { Link } from "react-router";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { listings as listingsApi, type Listing } from "../api/endpoints";
import type { Account } from "../api/platforms";
import { rules, templates, type Rule, type RuleKind } from "../api/automation";
import {
  FOLLOW_SOURCES,
  emptyRuleForm,
  ruleFieldErrors,
  rulePatch,
  ruleForm,
  ruleValues,
  type FollowSource,
  type RuleContext,
  type RuleErrors,
  type RuleForm,
} from "../lib/automationForms";
import { RULE_KINDS, kindInfo } from "../lib/automation";
import { usePlanLimit } from "../lib/plan";
import { useToast } from "./toast";
import { Button, CheckboxField, SelectField, TextField } from "./ui";

const LISTING_KINDS: RuleKind[] = ["bump", "price_drop", "scheduled_publish"];

/**
 * The listings a rule of this kind can act on: drafts to publish, or listings live on the
 * account; plus those the rule has already (a queued draft published since, say).
 */
function pickable(kind: RuleKind, accountId: string, all: Listing[], chosen: string[]): Listing[] {
  const fits = (l: Listing) => (kind === "scheduled_publish" ? l.status === "draft" : l.status === "published" && (!l.account_id || l.account_id === accountId));
  return all.filter((l) => fits(l) || chosen.includes(l.id));
}

function ListingPicker({
  form,
  options,
  errors,
  onChange,
  onFloor,
}: {
  form: RuleForm;
  options: Listing[];
  errors: RuleErrors;
  onChange: (ids: string[]) => void;
  onFloor: (id: string, value: string) => void;
}) {
  const byId = new Map(options.map((l) => [l.id, l]));
  const queue = form.kind === "scheduled_publish";
  const error = errors["params.listing_ids"];
  const move = (index: number, by: number) => {
    const ids = [...form.listingIds];
    const [id] = ids.splice(index, 1);
    ids.splice(index + by, 0, id!);
    onChange(ids);
  };
  return (
    <fieldset className="space-y-2 sm:col-span-2" aria-describedby={error ? "rule-listings-error" : undefined} aria-invalid={error ? true : undefined}>
      <legend className="text-sm font-medium">{queue ? "Drafts to publish" : "Listings"}</legend>
      {options.length === 0 ? (
        <p className="text-sm text-slate-500 dark:text-slate-400">
          {queue ? "No drafts to publish. " : "No listings published on this account yet. "}
          <Link className="underline" to="/drafts">
            Drafts
          </Link>
        </p>
      ) : (
        <ul className="max-h-48 space-y-1 overflow-y-auto rounded-md border border-slate-200 p-2 dark:border-slate-800" data-testid="listing-choices">
          {options.map((l) => (
            <li key={l.id}>
              <CheckboxField
                label={`${l.title} · ${l.price} ${l.currency}`}
                checked={form.listingIds.includes(l.id)}
                onChange={(e) => onChange(e.target.checked ? [...form.listingIds, l.id] : form.listingIds.filter((id) => id !== l.id))}
              />
            </li>
          ))}
        </ul>
      )}
      {queue && form.listingIds.length > 1 && (
        <ol className="space-y-1 text-sm" aria-label="Publishing order" data-testid="publish-queue">
          {form.listingIds.map((id, index) => (
            <li key={id} className="flex items-center gap-2">
              <span className="w-6 tabular-nums text-slate-500">{index + 1}.</span>
              <span className="min-w-0 flex-1 truncate">{byId.get(id)?.title ?? "A draft"}</span>
              <Button variant="ghost" aria-label={`Move ${byId.get(id)?.title ?? "draft"} up`} disabled={index === 0} onClick={() => move(index, -1)}>
                ↑
              </Button>
              <Button variant="ghost" aria-label={`Move ${byId.get(id)?.title ?? "draft"} down`} disabled={index === form.listingIds.length - 1} onClick={() => move(index, 1)}>
                ↓
              </Button>
            </li>
          ))}
        </ol>
      )}
      {form.kind === "price_drop" &&
        form.listingIds.map((id) => (
          <TextField
            key={id}
            label={`Floor for ${byId.get(id)?.title ?? "this listing"}`}
            inputMode="decimal"
            placeholder="the rule's floor"
            value={form.floors[id] ?? ""}
            error={errors[`params.floors.${id}`]}
            onChange={(e) => onFloor(id, e.target.value)}
          />
        ))}
      {error && (
        <p id="rule-listings-error" className="text-xs text-rose-600 dark:text-rose-400">
          {error}
        </p>
      )}
    </fieldset>
  );
}

export function RuleEditor({ rule, accounts, defaultAccountId = "", onClose }: { rule?: Rule; accounts: Account[]; defaultAccountId?: string; onClose: () => void }) {
  const toast = useToast();
  const queryClient = useQueryClient();
  const [form, setForm] = useState<RuleForm>(() => (rule ? ruleForm(rule) : emptyRuleForm(defaultAccountId || accounts[0]?.id || "")));
  const [errors, setErrors] = useState<RuleErrors>({});
  const limit = usePlanLimit("active_rules");
  const set = <K extends keyof RuleForm>(key: K, value: RuleForm[K], ...fields: string[]) => {
    setForm((f) => ({ ...f, [key]: value }));
    if (fields.length) setErrors((e) => Object.fromEntries(Object.entries(e).filter(([k]) => !fields.includes(k))));
  };
  const needsListings = LISTING_KINDS.includes(form.kind);
  const messaging = form.kind === "message_likers" || form.kind === "message_new_followers";
  const listingList = useQuery({
    queryKey: ["listings", "list", { limit: 100, purpose: "automation" }],
    queryFn: () => listingsApi.list({ limit: 100, sort: "updated_at", order: "desc" }),
    enabled: needsListings,
  });
  const templateList = useQuery({ queryKey: ["automation", "templates", "list"], queryFn: () => templates.list({ limit: 100 }), enabled: messaging });
  const [initialIds] = useState(form.listingIds);
  const options = useMemo(() => pickable(form.kind, form.accountId, listingList.data?.items ?? [], initialIds), [form.kind, form.accountId, listingList.data, initialIds]);
  const context: RuleContext = useMemo(
    () => ({ listings: Object.fromEntries((listingList.data?.items ?? []).map((l) => [l.id, { title: l.title, price: l.price }])) }),
    [listingList.data],
  );
  const save = useMutation({
    mutationFn: async (): Promise<Rule | null> => {
      if (rule) {
        const { body } = rulePatch(rule, form, context);
        if (Object.keys(body).length === 0) return null;
        return rules.update(rule.id, body);
      }
      return rules.create(ruleValues(form, context).body);
    },
    onSuccess: (saved) => {
      toast.success(saved === null ? "No changes to save" : rule ? "Rule saved" : "Rule created");
      void queryClient.invalidateQueries({ queryKey: ["automation"] });
      void queryClient.invalidateQueries({ queryKey: ["billing"] });
      onClose();
    },
    onError: (e) => {
      const found = ruleFieldErrors(e);
      setErrors(found.fields);
      if (found.other) toast.error(found.other);
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const invalid = rule ? rulePatch(rule, form, context).errors : ruleValues(form, context).errors;
    setErrors(invalid);
    if (Object.keys(invalid).length === 0) save.mutate();
  };
  const full = !rule && form.enabled && (limit?.atLimit ?? false);
  const info = kindInfo(form.kind);
  const p = (key: string) => errors[`params.${key}`];
  return (
    <form
      aria-label={rule ? `Edit ${rule.name}` : "New rule"}
      onSubmit={submit}
      onKeyDown={(e) => {
        if (e.key === "Escape") {
          e.stopPropagation();
          onClose();
        }
      }}
      className="grid gap-3 rounded-md border border-slate-200 bg-slate-50 p-3 sm:grid-cols-2 dark:border-slate-800 dark:bg-slate-950"
      data-testid="rule-editor"
      noValidate
    >
      {!rule && (
        <>
          <SelectField label="Account" value={form.accountId} error={errors.account_id} onChange={(e) => set("accountId", e.target.value, "account_id")}>
            {accounts.length === 0 && <option value="">No accounts yet</option>}
            {accounts.map((a) => (
              <option key={a.id} value={a.id}>
                {a.label || a.login} ({a.platform_title})
              </option>
            ))}
          </SelectField>
          <SelectField label="What it does" value={form.kind} error={errors.kind} hint={info?.description} onChange={(e) => setForm({ ...form, kind: e.target.value as RuleKind, listingIds: [], floors: {} })}>
            {RULE_KINDS.map((k) => (
              <option key={k.kind} value={k.kind}>
                {k.label}
              </option>
            ))}
          </SelectField>
        </>
      )}
      <TextField label="Name" autoFocus maxLength={100} value={form.name} error={errors.name} onChange={(e) => set("name", e.target.value, "name")} />
      {rule && <p className="self-end text-sm text-slate-500 dark:text-slate-400">{info?.description}</p>}

      {form.kind === "bump" && (
        <SelectField label="Bump" value={form.bumpMode} onChange={(e) => set("bumpMode", e.target.value as RuleForm["bumpMode"], "params.listing_ids", "params.oldest")}>
          <option value="listings">Chosen listings</option>
          <option value="oldest">The oldest on the platform</option>
        </SelectField>
      )}
      {form.kind === "bump" && form.bumpMode === "oldest" && (
        <TextField label="How many of the oldest" inputMode="numeric" value={form.oldest} error={p("oldest")} onChange={(e) => set("oldest", e.target.value, "params.oldest")} />
      )}
      {form.kind === "relist" && (
        <>
          <TextField label="Relist when older than (days)" inputMode="numeric" value={form.olderThanDays} error={p("older_than_days")} onChange={(e) => set("olderThanDays", e.target.value, "params.older_than_days")} />
          <TextField label="At most per run" inputMode="numeric" value={form.maxItems} error={p("max_items")} onChange={(e) => set("maxItems", e.target.value, "params.max_items")} />
        </>
      )}
      {form.kind === "follow" && (
        <>
          <SelectField label="Whom to follow" value={form.source} error={p("source")} onChange={(e) => set("source", e.target.value as FollowSource, "params.source", "params.username", "params.query")}>
            {FOLLOW_SOURCES.map((s) => (
              <option key={s.value} value={s.value}>
                {s.label}
              </option>
            ))}
          </SelectField>
          {form.source === "followers_of" && (
            <TextField label="Username" value={form.username} error={p("username")} onChange={(e) => set("username", e.target.value, "params.username")} />
          )}
          {form.source === "feed_search" && <TextField label="Search for" value={form.query} error={p("query")} onChange={(e) => set("query", e.target.value, "params.query")} />}
        </>
      )}
      {form.kind === "unfollow_nonfollowers" && (
        <TextField
          label="Followed more than (days) ago"
          inputMode="numeric"
          value={form.followedMoreThanDays}
          error={p("followed_more_than_days")}
          onChange={(e) => set("followedMoreThanDays", e.target.value, "params.followed_more_than_days")}
        />
      )}
      {messaging && (
        <SelectField label="Message template" value={form.templateId} error={p("template_id")} hint={templateList.data?.items.length === 0 ? "No templates yet: write one on the Templates page." : undefined} onChange={(e) => set("templateId", e.target.value, "params.template_id")}>
          <option value="">Choose a template</option>
          {(templateList.data?.items ?? []).map((t) => (
            <option key={t.id} value={t.id}>
              {t.name}
            </option>
          ))}
        </SelectField>
      )}
      {form.kind === "message_likers" && (
        <TextField
          label="Discount for {discount_price} (%)"
          inputMode="decimal"
          placeholder="none"
          value={form.discountPercent}
          error={p("discount_percent")}
          onChange={(e) => set("discountPercent", e.target.value, "params.discount_percent")}
        />
      )}
      {messaging && (
        <>
          <TextField label="Shortest delay (seconds)" inputMode="numeric" value={form.delayMin} error={p("delay_min_seconds")} onChange={(e) => set("delayMin", e.target.value, "params.delay_min_seconds", "params.delay_max_seconds")} />
          <TextField label="Longest delay (seconds)" inputMode="numeric" value={form.delayMax} error={p("delay_max_seconds")} onChange={(e) => set("delayMax", e.target.value, "params.delay_max_seconds")} />
        </>
      )}
      {(form.kind === "follow" || form.kind === "unfollow_nonfollowers" || messaging) && (
        <TextField label="At most per run" inputMode="numeric" value={form.maxPerRun} error={p("max_per_run")} onChange={(e) => set("maxPerRun", e.target.value, "params.max_per_run")} />
      )}
      {form.kind === "price_drop" && (
        <>
          <SelectField label="Lower by" value={form.dropMode} onChange={(e) => set("dropMode", e.target.value as RuleForm["dropMode"], "params.percent", "params.amount")}>
            <option value="percent">A percentage</option>
            <option value="amount">An amount</option>
          </SelectField>
          {form.dropMode === "percent" ? (
            <TextField label="Percent" inputMode="decimal" value={form.percent} error={p("percent")} onChange={(e) => set("percent", e.target.value, "params.percent")} />
          ) : (
            <TextField label="Amount" inputMode="decimal" value={form.amount} error={p("amount")} onChange={(e) => set("amount", e.target.value, "params.amount")} />
          )}
          <TextField label="Every (days)" inputMode="numeric" value={form.everyDays} error={p("every_days")} onChange={(e) => set("everyDays", e.target.value, "params.every_days")} />
          <TextField label="Floor (never below)" inputMode="decimal" placeholder="none" value={form.floor} error={p("floor")} hint="For every listing; a listing's own floor below wins." onChange={(e) => set("floor", e.target.value, "params.floor")} />
        </>
      )}
      {needsListings && !(form.kind === "bump" && form.bumpMode === "oldest") && (
        <ListingPicker
          form={form}
          options={options}
          errors={errors}
          onChange={(ids) => set("listingIds", ids, "params.listing_ids")}
          onFloor={(id, value) => set("floors", { ...form.floors, [id]: value }, `params.floors.${id}`)}
        />
      )}
      {errors.params && <p className="text-xs text-rose-600 sm:col-span-2 dark:text-rose-400">{errors.params}</p>}

      <h3 className="pt-2 text-sm font-semibold sm:col-span-2">Schedule</h3>
      <TextField
        label={form.kind === "scheduled_publish" ? "Minutes between drafts" : "Minutes between runs"}
        inputMode="numeric"
        value={form.intervalMinutes}
        error={errors.interval_minutes}
        hint="At least 5"
        onChange={(e) => set("intervalMinutes", e.target.value, "interval_minutes")}
      />
      <TextField label="Starts at" type="datetime-local" value={form.startsAt} error={errors.starts_at} hint="Your browser's time; empty: now" onChange={(e) => set("startsAt", e.target.value, "starts_at")} />
      <TextField label="Active from" value={form.activeFrom} error={errors.active_from} hint="HH:MM, in the rule's time zone" onChange={(e) => set("activeFrom", e.target.value, "active_from", "active_to")} />
      <TextField label="Active until" value={form.activeTo} error={errors.active_to} hint="HH:MM, 24:00 for the end of the day" onChange={(e) => set("activeTo", e.target.value, "active_to")} />
      <TextField label="Time zone" placeholder="the account's time zone" value={form.timezone} error={errors.timezone} hint="Like Europe/Paris; empty: the account's browser profile's" onChange={(e) => set("timezone", e.target.value, "timezone")} />
      <TextField label="Actions per day (cap)" inputMode="numeric" value={form.dailyCap} error={errors.daily_cap} onChange={(e) => set("dailyCap", e.target.value, "daily_cap")} />
      {!rule && <CheckboxField label="Start active" checked={form.enabled} hint="Unticked: saved paused, not counted against the plan." onChange={(e) => set("enabled", e.target.checked)} />}
      <div className="flex flex-wrap items-center gap-2 sm:col-span-2">
        <Button type="submit" busy={save.isPending} disabled={full} aria-describedby={full ? "rule-limit" : undefined}>
          {rule ? "Save changes" : "Create rule"}
        </Button>
        <Button variant="ghost" onClick={onClose}>
          Cancel
        </Button>
        {full && limit && (
          <p id="rule-limit" className="text-sm text-amber-800 dark:text-amber-200" data-testid="rule-limit">
            Your {limit.planTitle} plan allows {limit.limit} active rule{limit.limit === 1 ? "" : "s"}, all in use. Save it paused, pause another, or{" "}
            <Link className="underline" to="/billing">
              upgrade your plan
            </Link>
            .
          </p>
        )}
      </div>
    </form>
  );
}
