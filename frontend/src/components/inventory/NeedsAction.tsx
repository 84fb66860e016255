/** The "needs action" list: listings that could not be taken down, and oversells; each with its item and what to do. */
import { useState } from "react";
import { Link } from "react-router";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { inventory } from "../../api/inventory";
import { Pager } from "../Pager";
import { Card, ErrorState, Loading } from "../ui";
import { ListingBadge } from "./Badges";
import { ConflictNote } from "./ConflictNote";

const PAGE = 10;

export function NeedsAction() {
  const [offset, setOffset] = useState(0);
  const list = useQuery({
    queryKey: ["conflicts", "list", offset],
    queryFn: () => inventory.conflicts({ limit: PAGE, offset }),
    placeholderData: keepPreviousData,
    retry: false,
  });
  if (list.isPending) return <Loading label="Loading what needs action…" />;
  if (list.isError) return <ErrorState error={list.error} onRetry={() => list.refetch()} />;
  if (list.data.total === 0) return null;
  return (
    <Card className="mb-6 border-rose-300 dark:border-rose-800">
      <h2 className="mb-3 text-base font-semibold text-rose-800 dark:text-rose-200" id="needs-action">
        Needs action ({list.data.total})
      </h2>
      <ul className="space-y-4" aria-labelledby="needs-action" data-testid="needs-action">
        {list.data.items.map((c) => (
          <li key={c.listing.id} className="min-w-0 space-y-2" data-testid="conflict-row">
            <p className="flex flex-wrap items-center gap-2">
              <Link className="break-words font-medium text-indigo-700 hover:underline dark:text-indigo-300" to={`/inventory/${c.item_id}`}>
                {c.item_title}
              </Link>
              <ListingBadge listing={c.listing} />
              <span className="text-xs text-slate-500 dark:text-slate-400">{c.listing.account_label}</span>
            </p>
            <ConflictNote listing={c.listing} />
          </li>
        ))}
      </ul>
      <Pager offset={offset} limit={PAGE} total={list.data.total} onPage={setOffset} />
    </Card>
  );
}
