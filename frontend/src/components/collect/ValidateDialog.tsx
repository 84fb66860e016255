/** Validate the kept images again at another level (and threshold): a dialog; images set by hand keep their status. */
import { useEffect, useRef, useState, type FormEvent } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { collections, type Collection, type Level } from "../../api/collect";
import { LEVELS } from "../../lib/collect";
import { collectFieldErrors } from "../../lib/collectForms";
import { useToast } from "../toast";
import { Button } from "../ui";
import { ThresholdSlider } from "./CollectionForm";

export function ValidateDialog({ collection, onClose }: { collection: Collection; onClose: () => void }) {
  const toast = useToast();
  const queryClient = useQueryClient();
  const [level, setLevel] = useState<Level>(collection.validation_level);
  const [threshold, setThreshold] = useState(collection.threshold);
  const [error, setError] = useState<string | null>(null);
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    box.current?.querySelector<HTMLInputElement>("input:checked")?.focus();
  }, []);
  const run = useMutation({
    mutationFn: () => collections.validate(collection.id, { level, threshold: threshold === collection.threshold ? null : threshold }),
    onSuccess: () => {
      toast.success(`Validating again at the ${level} level`);
      void queryClient.invalidateQueries({ queryKey: ["collections", collection.id] });
      onClose();
    },
    onError: (e) => {
      const found = collectFieldErrors(e);
      setError(Object.values(found.fields)[0] ?? found.other);
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    run.mutate();
  };
  return (
    <div className="fixed inset-0 z-40 flex items-center justify-center bg-slate-900/50 p-4" onClick={onClose}>
      <div
        ref={box}
        role="dialog"
        aria-modal="true"
        aria-labelledby="validate-title"
        className="w-full max-w-lg rounded-lg bg-white p-5 shadow-xl dark:bg-slate-900"
        onClick={(e) => e.stopPropagation()}
        onKeyDown={(e) => {
          if (e.key === "Escape") onClose();
        }}
      >
        <h2 id="validate-title" className="text-lg font-semibold">
          Validate again
        </h2>
        <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
          The kept images are judged again; images you approved or disqualified by hand keep your choice.
        </p>
        <form onSubmit={submit} className="mt-4 space-y-4">
          <fieldset className="space-y-2">
            <legend className="text-sm font-medium">Level</legend>
            {LEVELS.map((l) => (
              <label key={l.value} className="flex items-start gap-2 text-sm">
                <input type="radio" name="level" className="mt-1" value={l.value} checked={level === l.value} onChange={() => setLevel(l.value)} />
                <span>
                  <span className="font-medium">{l.label}</span>
                  <span className="block text-xs text-slate-500 dark:text-slate-400">{l.checks}</span>
                </span>
              </label>
            ))}
          </fieldset>
          <ThresholdSlider value={threshold} onChange={setThreshold} />
          {error && (
            <p role="alert" className="text-sm text-rose-600 dark:text-rose-400">
              {error}
            </p>
          )}
          <div className="flex justify-end gap-2">
            <Button variant="ghost" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" busy={run.isPending}>
              Validate
            </Button>
          </div>
        </form>
      </div>
    </div>
  );
}
