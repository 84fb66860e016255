/** Per platform: a markup (%) on the draft's price and a rounding, used when crosslisting without a price of one's own. */
import { useState, type FormEvent } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { errorMessage } from "../../api/client";
import { priceRules, type PriceRule, type Rounding } from "../../api/inventory";
import { ROUNDINGS, applyRule, parseMarkup, ruleText } from "../../lib/inventory";
import { useToast } from "../toast";
import { Badge, Button, Card, Empty, ErrorState, Loading, SelectField, TextField } from "../ui";

function RuleRow({ rule }: { rule: PriceRule }) {
  const toast = useToast();
  const queryClient = useQueryClient();
  const [markup, setMarkup] = useState(String(rule.markup_percent));
  const [rounding, setRounding] = useState<Rounding>(rule.rounding);
  const [error, setError] = useState<string | null>(null);
  const save = useMutation({
    mutationFn: (value: number) => priceRules.update(rule.platform, { markup_percent: value, rounding }),
    onSuccess: (saved) => {
      queryClient.setQueryData<PriceRule[]>(["inventory", "price-rules"], (all) => all?.map((r) => (r.platform === saved.platform ? saved : r)));
      void queryClient.invalidateQueries({ queryKey: ["crosslist-preview"] });
      toast.success(`${saved.platform_title}: ${ruleText(saved)}`);
    },
    onError: (e) => setError(errorMessage(e)),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const parsed = parseMarkup(markup);
    if ("error" in parsed) {
      setError(parsed.error);
      return;
    }
    setError(null);
    save.mutate(parsed.value);
  };
  const changed = markup !== String(rule.markup_percent) || rounding !== rule.rounding;
  const typed = parseMarkup(markup);
  const example = "value" in typed ? applyRule(20, { markup_percent: typed.value, rounding }) : null;
  return (
    <li className="py-3" data-testid="price-rule" data-platform={rule.platform}>
      <form onSubmit={submit} noValidate aria-label={`Price rule for ${rule.platform_title}`} className="grid items-start gap-3 sm:grid-cols-[minmax(0,1fr)_8rem_12rem_auto]">
        <div className="min-w-0 pt-1">
          <p className="flex flex-wrap items-center gap-2 font-medium">
            {rule.platform_title}
            {rule.custom ? <Badge tone="blue">your rule</Badge> : <Badge>default</Badge>}
          </p>
          <p className="text-xs text-slate-500 dark:text-slate-400">{ruleText(rule)}</p>
          {example !== null && (
            <p className="text-xs tabular-nums text-slate-500 dark:text-slate-400" data-testid="price-rule-example">
              e.g. 20.00 → {example.toFixed(2)}
            </p>
          )}
        </div>
        <TextField label="Markup %" inputMode="decimal" value={markup} error={error} onChange={(e) => setMarkup(e.target.value)} />
        <SelectField label="Rounding" value={rounding} onChange={(e) => setRounding(e.target.value as Rounding)}>
          {(Object.keys(ROUNDINGS) as Rounding[]).map((r) => (
            <option key={r} value={r}>
              {ROUNDINGS[r]}
            </option>
          ))}
        </SelectField>
        <Button type="submit" className="sm:mt-6" busy={save.isPending} disabled={!changed}>
          Save
        </Button>
      </form>
    </li>
  );
}

export function PriceRules() {
  const rules = useQuery({ queryKey: ["inventory", "price-rules"], queryFn: priceRules.list, retry: false });
  return (
    <Card title="Price rules">
      <p className="mb-2 text-sm text-slate-600 dark:text-slate-400">
        When you crosslist without typing a price for an account, its platform gets the draft's price with this markup, then rounded — e.g. +10 % where fees are
        higher. The crosslist preview shows the result before anything is published.
      </p>
      {rules.isPending ? (
        <Loading />
      ) : rules.isError ? (
        <ErrorState error={rules.error} onRetry={() => rules.refetch()} />
      ) : rules.data.length === 0 ? (
        <Empty title="No platform takes crosslisted listings" />
      ) : (
        <ul className="divide-y divide-slate-200 dark:divide-slate-800">
          {rules.data.map((r) => (
            <RuleRow key={`${r.platform}:${r.markup_percent}:${r.rounding}`} rule={r} />
          ))}
        </ul>
      )}
    </Card>
  );
}
