/** Keywords as chips: type and press Enter or a comma (or paste a list); × or Backspace in the empty box removes one. */
import { useId, useState, type ClipboardEvent, type KeyboardEvent } from "react";
import { addKeywords } from "../../lib/collect";

export function KeywordChips({ value, onChange, error, disabled = false }: { value: string[]; onChange: (next: string[]) => void; error?: string; disabled?: boolean }) {
  const id = useId();
  const [typed, setTyped] = useState("");
  const commit = (text: string) => {
    const next = addKeywords(value, text);
    if (next.length !== value.length) onChange(next);
    setTyped("");
  };
  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === "Enter" || e.key === ",") {
      e.preventDefault();
      commit(typed);
    } else if (e.key === "Backspace" && !typed && value.length) {
      onChange(value.slice(0, -1));
    }
  };
  const onPaste = (e: ClipboardEvent<HTMLInputElement>) => {
    const text = e.clipboardData.getData("text");
    if (/[,\n]/.test(text)) {
      e.preventDefault();
      commit(typed + text);
    }
  };
  return (
    <div className="space-y-1">
      <label htmlFor={id} className="block text-sm font-medium">
        Keywords
      </label>
      <div
        className={`flex flex-wrap items-center gap-1.5 rounded-md border bg-white px-2 py-1.5 dark:bg-slate-950 ${error ? "border-rose-500" : "border-slate-300 dark:border-slate-700"}`}
      >
        <ul aria-label="Keywords added" className="contents">
          {value.map((k) => (
            <li key={k} className="inline-flex items-center gap-1 rounded-full bg-indigo-50 px-2 py-0.5 text-sm text-indigo-800 dark:bg-indigo-950 dark:text-indigo-200">
              {k}
              {!disabled && (
                <button type="button" aria-label={`Remove ${k}`} className="opacity-70 hover:opacity-100" onClick={() => onChange(value.filter((x) => x !== k))}>
                  ×
                </button>
              )}
            </li>
          ))}
        </ul>
        <input
          id={id}
          value={typed}
          disabled={disabled}
          maxLength={100}
          placeholder={value.length ? "Add another…" : "e.g. linen dress, then Enter"}
          aria-invalid={error ? true : undefined}
          aria-describedby={`${id}-note`}
          onChange={(e) => setTyped(e.target.value)}
          onKeyDown={onKeyDown}
          onPaste={onPaste}
          onBlur={() => typed.trim() && commit(typed)}
          className="min-w-32 flex-1 bg-transparent py-0.5 text-sm focus:outline-none disabled:cursor-not-allowed"
        />
      </div>
      <p id={`${id}-note`} className={`text-xs ${error ? "text-rose-600 dark:text-rose-400" : "text-slate-500 dark:text-slate-400"}`}>
        {error ?? "Each keyword is searched on its own; Enter or a comma adds it."}
      </p>
    </div>
  );
}
