/** Where the numbers come from, for empty states: the sync of each account, and events sent to the API. */
import { Link } from "react-router";

export function HowDataArrives({ what = "numbers" }: { what?: string }) {
  return (
    <div className="mx-auto max-w-xl space-y-2 text-left">
      <p>
        The {what} arrive in two ways. Each <Link to="/accounts" className="text-indigo-600 underline dark:text-indigo-400">platform account</Link> is
        synced on a schedule your <Link to="/billing" className="text-indigo-600 underline dark:text-indigo-400">plan</Link> sets (more often on higher plans):
        the sync reads the views, likes and sales of its live listings, and a sold item marks its draft sold.
      </p>
      <p>
        Your own tools can also send views, likes and other events to <code className="rounded bg-slate-100 px-1 dark:bg-slate-800">POST /api/v1/analytics/events</code>.
      </p>
    </div>
  );
}
