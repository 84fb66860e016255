/** A listing's conflict: what went wrong, what to do, where, and Retry delist / Resolve. */
import { Link } from "react-router";
import type { PlatformListing } from "../../api/inventory";
import { conflictAdvice } from "../../lib/inventory";
import { WRAPPED_TEXT } from "../JobProgress";
import { Button, formatDate } from "../ui";
import { useConflictActions } from "./hooks";

export function ConflictNote({ listing }: { listing: PlatformListing }) {
  const { resolve, retry } = useConflictActions();
  const advice = conflictAdvice(listing);
  if (!advice) return null;
  return (
    <div role="alert" className="rounded-md border border-rose-300 bg-rose-50 p-3 text-sm text-rose-900 dark:border-rose-800 dark:bg-rose-950 dark:text-rose-100" data-testid="conflict-note">
      <p className="font-medium">
        {advice.title}
        {listing.conflict_at ? <span className="font-normal"> · {formatDate(listing.conflict_at)}</span> : null}
      </p>
      <p className={`mt-1 ${WRAPPED_TEXT}`}>{advice.reason}</p>
      <p className="mt-1">
        {advice.todo}
        {advice.link && (
          <>
            {" "}
            <Link className="font-medium underline" to={advice.link.to}>
              {advice.link.label}
            </Link>
          </>
        )}
      </p>
      <div className="mt-2 flex flex-wrap gap-2">
        {advice.canRetry && (
          <Button variant="secondary" busy={retry.isPending} onClick={() => retry.mutate(listing.id)}>
            Retry delist
          </Button>
        )}
        <Button variant="secondary" busy={resolve.isPending} onClick={() => resolve.mutate(listing.id)}>
          Resolve
        </Button>
      </div>
    </div>
  );
}
