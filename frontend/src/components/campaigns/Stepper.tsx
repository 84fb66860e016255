/** The builder's steps as a numbered list of links; the current one is marked for screen readers too. */
import { Link } from "react-router";

export interface Step {
  key: string;
  label: string;
}

export function Stepper({ steps, current, hrefOf, enabled }: { steps: Step[]; current: string; hrefOf: (key: string) => string; enabled: boolean }) {
  const index = steps.findIndex((s) => s.key === current);
  return (
    <nav aria-label="Campaign builder steps" className="mb-6">
      <ol className="flex flex-wrap gap-2">
        {steps.map((s, i) => {
          const active = s.key === current;
          const done = i < index;
          const cls = `flex items-center gap-2 rounded-full border px-3 py-1.5 text-sm ${
            active
              ? "border-indigo-600 bg-indigo-600 text-white"
              : done
                ? "border-indigo-300 text-indigo-700 dark:border-indigo-700 dark:text-indigo-300"
                : "border-slate-300 text-slate-600 dark:border-slate-700 dark:text-slate-400"
          }`;
          const body = (
            <>
              <span className="tabular-nums font-semibold">{i + 1}</span>
              {s.label}
            </>
          );
          return (
            <li key={s.key}>
              {enabled && !active ? (
                <Link to={hrefOf(s.key)} className={`${cls} hover:border-indigo-500`}>
                  {body}
                </Link>
              ) : (
                <span className={cls} aria-current={active ? "step" : undefined}>
                  {body}
                </span>
              )}
            </li>
          );
        })}
      </ol>
    </nav>
  );
}
