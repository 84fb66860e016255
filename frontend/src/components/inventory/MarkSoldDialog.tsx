/** The seller marks an item sold: where (one of its listings, or elsewhere), for how much and to whom. */
import { useState, type FormEvent } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { errorMessage } from "../../api/client";
import { inventory, type InventoryItem } from "../../api/inventory";
import { markSoldBody, sellable, type MarkSoldForm } from "../../lib/inventory";
import { Dialog } from "../Dialog";
import { useToast } from "../toast";
import { Button, SelectField, TextField } from "../ui";

export function MarkSoldDialog({ item, onClose }: { item: InventoryItem; onClose: () => void }) {
  const toast = useToast();
  const queryClient = useQueryClient();
  const options = sellable(item);
  const first = options[0];
  const [form, setForm] = useState<MarkSoldForm>({ listingId: first?.id ?? "", price: String(first?.price ?? item.price), buyer: "" });
  const [errors, setErrors] = useState<{ price?: string; buyer?: string }>({});
  const [refusal, setRefusal] = useState<string | null>(null);
  const others = item.listings.filter((l) => l.id !== form.listingId && (l.status === "live" || l.status === "queued")).length;
  const save = useMutation({
    mutationFn: (body: Parameters<typeof inventory.markSold>[1]) => inventory.markSold(item.id, body),
    onSuccess: (updated) => {
      queryClient.setQueryData(["inventory", "one", item.id], updated);
      void queryClient.invalidateQueries({ queryKey: ["inventory"] });
      void queryClient.invalidateQueries({ queryKey: ["listings"] });
      void queryClient.invalidateQueries({ queryKey: ["conflicts"] });
      void queryClient.invalidateQueries({ queryKey: ["jobs"] });
      toast.success(others ? `Marked sold; taking down its ${others} other listing${others === 1 ? "" : "s"}` : "Marked sold");
      onClose();
    },
    onError: (error) => setRefusal(errorMessage(error)),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const parsed = markSoldBody(form);
    if ("error" in parsed) {
      setErrors({ [parsed.field]: parsed.error });
      return;
    }
    setErrors({});
    save.mutate(parsed.body);
  };
  return (
    <Dialog title={`Mark “${item.title}” sold`} onClose={onClose} testId="mark-sold-dialog">
      <form onSubmit={submit} noValidate className="space-y-4">
        <SelectField
          label="Where it sold"
          value={form.listingId}
          onChange={(e) => {
            const chosen = item.listings.find((l) => l.id === e.target.value);
            setForm({ ...form, listingId: e.target.value, price: chosen?.price != null ? String(chosen.price) : form.price });
          }}
        >
          {options.map((l) => (
            <option key={l.id} value={l.id}>
              {l.platform_title} · {l.account_label}
            </option>
          ))}
          <option value="">Elsewhere (not one of these listings)</option>
        </SelectField>
        <TextField label={`Price (${item.currency})`} inputMode="decimal" value={form.price} error={errors.price} onChange={(e) => setForm({ ...form, price: e.target.value })} />
        <TextField label="Buyer" hint="Optional" value={form.buyer} maxLength={200} error={errors.buyer} onChange={(e) => setForm({ ...form, buyer: e.target.value })} />
        <p className="text-sm text-slate-600 dark:text-slate-400">
          {others ? `Its ${others} other live listing${others === 1 ? " is" : "s are"} taken down right after.` : "No other live listing to take down."}
        </p>
        {refusal && (
          <p role="alert" className="break-words text-sm text-rose-700 dark:text-rose-300">
            {refusal}
          </p>
        )}
        <div className="flex justify-end gap-2">
          <Button variant="ghost" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" busy={save.isPending}>
            Mark sold
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
