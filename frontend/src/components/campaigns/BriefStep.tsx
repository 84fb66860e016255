/** Step 1: the campaign's brief (name, description, brand, audience, tone); creates the campaign or saves changes. */
import { useState, type FormEvent } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { campaigns, type Campaign } from "../../api/campaigns";
import { briefForm, briefPatch, briefValues, campaignFieldErrors, emptyBrief, type BriefForm, type FormErrors } from "../../lib/campaignForms";
import { useToast } from "../toast";
import { Button, Card, TextArea, TextField } from "../ui";

export function BriefStep({ campaign, onSaved }: { campaign?: Campaign; onSaved: (c: Campaign) => void }) {
  const toast = useToast();
  const queryClient = useQueryClient();
  const [form, setForm] = useState<BriefForm>(() => (campaign ? briefForm(campaign) : emptyBrief()));
  const [errors, setErrors] = useState<FormErrors>({});
  const set = (key: keyof BriefForm, field: string) => (e: { target: { value: string } }) => {
    setForm((f) => ({ ...f, [key]: e.target.value }));
    setErrors(({ [field]: _gone, ...rest }) => rest);
  };
  const save = useMutation({
    mutationFn: async (): Promise<Campaign> => {
      if (!campaign) return campaigns.create(briefValues(form).body);
      const { body } = briefPatch(campaign, form);
      return Object.keys(body).length ? campaigns.update(campaign.id, body) : campaign;
    },
    onSuccess: (saved) => {
      if (!campaign) toast.success("Campaign created");
      void queryClient.invalidateQueries({ queryKey: ["campaigns"] });
      onSaved(saved);
    },
    onError: (e) => {
      const found = campaignFieldErrors(e);
      setErrors(found.fields);
      if (found.other) toast.error(found.other);
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const invalid = campaign ? briefPatch(campaign, form).errors : briefValues(form).errors;
    setErrors(invalid);
    if (Object.keys(invalid).length === 0) save.mutate();
  };
  return (
    <Card title="The brief">
      <form aria-label="Campaign brief" onSubmit={submit} noValidate className="grid gap-4 sm:grid-cols-2">
        <TextField label="Name" autoFocus maxLength={100} value={form.name} error={errors.name} onChange={set("name", "name")} />
        <TextField label="Brand" maxLength={100} value={form.brandName} error={errors.brand_name} onChange={set("brandName", "brand_name")} />
        <div className="sm:col-span-2">
          <TextArea
            label="What the campaign is about"
            rows={4}
            maxLength={4000}
            value={form.description}
            error={errors.description}
            hint="The product or message; AI writes every post from this brief."
            onChange={set("description", "description")}
          />
        </div>
        <TextField label="Target audience" maxLength={300} placeholder="e.g. students who thrift" value={form.targetAudience} error={errors.target_audience} onChange={set("targetAudience", "target_audience")} />
        <TextField label="Tone" maxLength={100} placeholder="e.g. playful" value={form.tone} error={errors.tone} onChange={set("tone", "tone")} />
        <div className="sm:col-span-2">
          <Button type="submit" busy={save.isPending}>
            {campaign ? "Save and continue" : "Create and continue"}
          </Button>
        </div>
      </form>
    </Card>
  );
}
