/** An item's listings as badges: platform and status colour each, and a red badge where one needs a person. */
import type { PlatformListing } from "../../api/inventory";
import { LISTING_STATUS, listingBadge } from "../../lib/inventory";
import { Badge } from "../ui";

export function ListingStatusBadge({ status }: { status: PlatformListing["status"] }) {
  const s = LISTING_STATUS[status];
  return (
    <span title={s?.hint} data-testid="listing-status">
      <Badge tone={s?.tone ?? "gray"}>{s?.label ?? status}</Badge>
    </span>
  );
}

export function ListingBadge({ listing }: { listing: PlatformListing }) {
  const b = listingBadge(listing);
  return (
    <span className="inline-flex flex-wrap items-center gap-1" title={b.title} data-testid="listing-badge" data-platform={listing.platform} data-status={listing.status}>
      <Badge tone={b.tone}>{b.text}</Badge>
      {b.conflict && (
        <span data-testid="conflict-badge">
          <Badge tone="red">⚠ {b.conflict}</Badge>
        </span>
      )}
    </span>
  );
}

export function ListingBadges({ listings }: { listings: PlatformListing[] }) {
  if (listings.length === 0) return <span className="text-xs text-slate-500 dark:text-slate-400">Not listed anywhere yet</span>;
  return (
    <span className="flex flex-wrap gap-1" aria-label="Listings">
      {listings.map((l) => (
        <ListingBadge key={l.id} listing={l} />
      ))}
    </span>
  );
}
