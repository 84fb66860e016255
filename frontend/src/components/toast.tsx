import { createContext, useCallback, useContext, useMemo, useRef, useState, type ReactNode } from "react";

type Tone = "success" | "error" | "info";
interface Toast {
  id: number;
  tone: Tone;
  message: string;
}

interface ToastApi {
  /** Returns the toast's id; a sticky one stays until dismissed (e.g. until the job it announces ends). */
  show: (message: string, tone?: Tone, options?: { sticky?: boolean }) => number;
  success: (message: string) => number;
  error: (message: string) => number;
  dismiss: (id: number) => void;
}

const ToastContext = createContext<ToastApi | null>(null);

export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const next = useRef(1);
  const dismiss = useCallback((id: number) => setToasts((all) => all.filter((t) => t.id !== id)), []);
  const show = useCallback(
    (message: string, tone: Tone = "info", options: { sticky?: boolean } = {}) => {
      const id = next.current++;
      setToasts((all) => [...all.slice(-4), { id, tone, message }]);
      if (!options.sticky) window.setTimeout(() => dismiss(id), tone === "error" ? 8000 : 4000);
      return id;
    },
    [dismiss],
  );
  const value = useMemo<ToastApi>(
    () => ({ show, success: (m) => show(m, "success"), error: (m) => show(m, "error"), dismiss }),
    [show, dismiss],
  );
  return (
    <ToastContext.Provider value={value}>
      {children}
      <div aria-live="polite" className="pointer-events-none fixed inset-x-0 bottom-4 z-50 flex flex-col items-center gap-2 px-4 sm:items-end">
        {toasts.map((t) => (
          <div
            key={t.id}
            role={t.tone === "error" ? "alert" : "status"}
            className={`pointer-events-auto flex max-w-sm items-start gap-3 rounded-md px-4 py-3 text-sm shadow-lg ${
              t.tone === "error"
                ? "bg-rose-600 text-white"
                : t.tone === "success"
                  ? "bg-emerald-600 text-white"
                  : "bg-slate-800 text-white dark:bg-slate-700"
            }`}
          >
            <span className="min-w-0 flex-1 break-words">{t.message}</span>
            <button type="button" aria-label="Dismiss" className="opacity-80 hover:opacity-100" onClick={() => dismiss(t.id)}>
              ×
            </button>
          </div>
        ))}
      </div>
    </ToastContext.Provider>
  );
}

export function useToast(): ToastApi {
  const value = useContext(ToastContext);
  if (!value) throw new Error("useToast outside ToastProvider");
  return value;
}
