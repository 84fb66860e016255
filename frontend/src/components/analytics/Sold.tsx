/** A sold draft: what it sold for, to whom and when, as the account's sync reported it. */
import type { Listing } from "../../api/endpoints";
import { formatDate } from "../ui";

/** The sale of a listing, or null when it is not sold. */
export function saleOf(listing: Listing): { price: string; buyer: string; soldAt: string } | null {
  const l = listing;
  if (l.status !== "sold") return null;
  const price = l.sold_price ?? null;
  return {
    price: price === null ? "" : `${price.toFixed(2)} ${l.currency}`,
    buyer: l.buyer ?? "",
    soldAt: l.sold_at ? formatDate(l.sold_at) : "",
  };
}

/** One line for a card: "Sold for 25.00 EUR to ana". */
export function SoldLine({ listing }: { listing: Listing }) {
  const sale = saleOf(listing);
  if (!sale) return null;
  return (
    <p className="text-sm font-medium text-sky-700 dark:text-sky-300" data-testid="sold-line">
      Sold{sale.price ? ` for ${sale.price}` : ""}
      {sale.buyer ? ` to ${sale.buyer}` : ""}
    </p>
  );
}

/** The editor's notice: the draft is sold, so its edits no longer reach a live listing. */
export function SoldNotice({ listing }: { listing: Listing }) {
  const sale = saleOf(listing);
  if (!sale) return null;
  return (
    <div role="status" className="mb-4 rounded-lg border border-sky-300 bg-sky-50 p-3 text-sm text-sky-900 dark:border-sky-800 dark:bg-sky-950 dark:text-sky-100" data-testid="sold-notice">
      <p className="font-medium">
        Sold{sale.price ? ` for ${sale.price}` : ""}
        {sale.buyer ? ` to ${sale.buyer}` : ""}
        {sale.soldAt ? ` on ${sale.soldAt}` : ""}.
      </p>
      <p className="mt-1">The account's sync saw the sale; it is in the Sales list and the analytics.</p>
    </div>
  );
}
