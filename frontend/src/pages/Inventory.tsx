/**
 * Inventory: every item with a badge per platform listing (live as jobs run), what needs action,
 * filters in the address, bulk crosslisting of the selected items; tabs for price rules and import.
 */
import { useEffect, useState } from "react";
import { Link } from "react-router";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { accounts } from "../api/endpoints";
import { inventory, type InventoryFilters, type InventoryItem, type ItemStatus } from "../api/inventory";
import { AuthImage } from "../components/AuthImage";
import { Pager, useAddressFilters } from "../components/Pager";
import { ListingBadges } from "../components/inventory/Badges";
import { BulkCrosslistDialog } from "../components/inventory/BulkCrosslistDialog";
import { CrosslistDialog } from "../components/inventory/CrosslistDialog";
import { ImportListings } from "../components/inventory/ImportListings";
import { NeedsAction } from "../components/inventory/NeedsAction";
import { PriceRules } from "../components/inventory/PriceRules";
import { formatMoney } from "../lib/inventory";
import { Badge, Button, CheckboxField, Empty, ErrorState, Loading, PageHeader, SelectField, StatusBadge, TextField } from "../components/ui";

const PAGE = 25;
const TABS = [
  { id: "", label: "Items" },
  { id: "price-rules", label: "Price rules" },
  { id: "import", label: "Import" },
] as const;
const ITEM_STATUSES: ItemStatus[] = ["draft", "published", "sold", "archived"];

function ItemRow({ item, selected, onSelect, onCrosslist }: { item: InventoryItem; selected: boolean; onSelect: (on: boolean) => void; onCrosslist: () => void }) {
  return (
    <li className="flex min-w-0 flex-wrap items-start gap-3 py-3 sm:flex-nowrap" data-testid="inventory-item" data-status={item.status}>
      <input
        type="checkbox"
        className="mt-5 h-4 w-4 shrink-0 rounded border-slate-300 text-indigo-600"
        checked={selected}
        disabled={item.status === "sold"}
        onChange={(e) => onSelect(e.target.checked)}
        aria-label={`Select ${item.title}`}
      />
      {item.media_ids[0] ? (
        <AuthImage mediaId={item.media_ids[0]} alt={item.title} className="h-14 w-14 shrink-0 rounded" />
      ) : (
        <div className="h-14 w-14 shrink-0 rounded bg-slate-100 dark:bg-slate-800" aria-hidden />
      )}
      {/* At least this wide: on a phone the Crosslist button goes under the item rather than squeezing it. */}
      <div className="min-w-[12rem] flex-1 space-y-1">
        <p className="flex flex-wrap items-center gap-2">
          <Link to={`/inventory/${item.id}`} className="break-words font-medium text-indigo-700 hover:underline dark:text-indigo-300">
            {item.title}
          </Link>
          <StatusBadge status={item.status} />
          {item.conflicts > 0 && <Badge tone="red">{item.conflicts} need{item.conflicts === 1 ? "s" : ""} action</Badge>}
        </p>
        <p className="text-sm tabular-nums text-slate-600 dark:text-slate-400">
          {item.status === "sold" && item.sold_price !== null ? `Sold for ${formatMoney(item.sold_price, item.currency)}` : formatMoney(item.price, item.currency)}
          {item.brand ? ` · ${item.brand}` : ""}
          {item.size ? ` · ${item.size}` : ""}
        </p>
        <ListingBadges listings={item.listings} />
      </div>
      {item.status !== "sold" && (
        <Button variant="secondary" className="ml-auto shrink-0" onClick={onCrosslist}>
          Crosslist…
        </Button>
      )}
    </li>
  );
}

function Items() {
  const { get, set, offset, page } = useAddressFilters();
  const q = get("q");
  const [search, setSearch] = useState(q);
  const [selected, setSelected] = useState<string[]>([]);
  const [crosslisting, setCrosslisting] = useState<InventoryItem | null>(null);
  const [bulk, setBulk] = useState(false);

  // Search as you type, once typing pauses.
  useEffect(() => {
    if (search.trim() === q) return;
    const t = window.setTimeout(() => set("q", search.trim()), 300);
    return () => window.clearTimeout(t);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [search]);

  const filters: InventoryFilters = {
    status: get("status") as ItemStatus | "",
    platform: get("platform"),
    q,
    conflicts_only: get("conflicts") === "1",
    limit: PAGE,
    offset,
  };
  const filtered = !!(filters.status || filters.platform || q || filters.conflicts_only);
  const list = useQuery({ queryKey: ["inventory", "list", filters], queryFn: () => inventory.list(filters), placeholderData: keepPreviousData });
  const platforms = useQuery({ queryKey: ["platforms"], queryFn: accounts.platforms, staleTime: Infinity, retry: false });
  const pageItems = list.data?.items.filter((i) => i.status !== "sold") ?? [];
  const allOnPage = pageItems.length > 0 && pageItems.every((i) => selected.includes(i.id));
  const select = (id: string, on: boolean) => setSelected((s) => (on ? [...s, id] : s.filter((x) => x !== id)));

  return (
    <>
      <NeedsAction />
      <form role="search" className="mb-4 grid gap-3 sm:grid-cols-2 lg:grid-cols-4" onSubmit={(e) => { e.preventDefault(); set("q", search.trim()); }}>
        <TextField label="Search" type="search" placeholder="Title or brand" value={search} onChange={(e) => setSearch(e.target.value)} />
        <SelectField label="Status" value={filters.status} onChange={(e) => set("status", e.target.value)}>
          <option value="">Any</option>
          {ITEM_STATUSES.map((s) => (
            <option key={s} value={s}>
              {s.charAt(0).toUpperCase() + s.slice(1)}
            </option>
          ))}
        </SelectField>
        <SelectField label="Platform" value={filters.platform} onChange={(e) => set("platform", e.target.value)}>
          <option value="">Any</option>
          {platforms.data?.map((p) => (
            <option key={p.name} value={p.name}>
              {p.title}
            </option>
          ))}
        </SelectField>
        <CheckboxField className="self-end pb-2" label="Needs action only" checked={!!filters.conflicts_only} onChange={(e) => set("conflicts", e.target.checked ? "1" : "")} />
      </form>
      {list.isPending ? (
        <Loading />
      ) : list.isError ? (
        <ErrorState error={list.error} onRetry={() => list.refetch()} />
      ) : list.data.items.length === 0 ? (
        filtered ? (
          <Empty title="Nothing matches these filters">Try other filters.</Empty>
        ) : (
          <Empty title="Your inventory is empty">
            Start by crosslisting a draft: open one in{" "}
            <Link className="text-indigo-600 underline dark:text-indigo-400" to="/drafts">
              Drafts
            </Link>{" "}
            and choose Crosslist, or{" "}
            <Link className="text-indigo-600 underline dark:text-indigo-400" to="/upload">
              make drafts from photos
            </Link>
            . Already selling on an account?{" "}
            <Link className="text-indigo-600 underline dark:text-indigo-400" to="/inventory?tab=import">
              Import its listings
            </Link>
            .
          </Empty>
        )
      ) : (
        <>
          <div className="mb-2 flex flex-wrap items-center justify-between gap-3">
            <label className="flex items-center gap-2 text-sm">
              <input
                type="checkbox"
                className="h-4 w-4 rounded border-slate-300 text-indigo-600"
                checked={allOnPage}
                disabled={pageItems.length === 0}
                onChange={(e) => setSelected((s) => (e.target.checked ? [...new Set([...s, ...pageItems.map((i) => i.id)])] : s.filter((id) => !pageItems.some((i) => i.id === id))))}
              />
              Select all on this page
            </label>
            <span className="text-sm text-slate-500 dark:text-slate-400" data-testid="inventory-total">
              {list.data.total} item{list.data.total === 1 ? "" : "s"}
            </span>
            <Button disabled={selected.length === 0} onClick={() => setBulk(true)}>
              Crosslist selected{selected.length ? ` (${selected.length})` : ""}
            </Button>
          </div>
          <ul className="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white px-3 dark:divide-slate-800 dark:border-slate-800 dark:bg-slate-900" data-testid="inventory-list">
            {list.data.items.map((item) => (
              <ItemRow key={item.id} item={item} selected={selected.includes(item.id)} onSelect={(on) => select(item.id, on)} onCrosslist={() => setCrosslisting(item)} />
            ))}
          </ul>
          <Pager offset={offset} limit={PAGE} total={list.data.total} onPage={page} />
        </>
      )}
      {crosslisting && <CrosslistDialog item={crosslisting} onClose={() => setCrosslisting(null)} />}
      {bulk && <BulkCrosslistDialog listingIds={selected} onClose={() => setBulk(false)} onStarted={() => setSelected([])} />}
    </>
  );
}

export function InventoryPage() {
  const { get, set } = useAddressFilters();
  const tab = get("tab");
  return (
    <>
      <PageHeader title="Inventory" />
      <div role="tablist" aria-label="Inventory" className="mb-6 flex flex-wrap gap-1 border-b border-slate-200 dark:border-slate-800">
        {TABS.map((t) => (
          <button
            key={t.id}
            type="button"
            role="tab"
            aria-selected={tab === t.id}
            className={`-mb-px border-b-2 px-3 py-2 text-sm font-medium ${
              tab === t.id ? "border-indigo-600 text-indigo-700 dark:text-indigo-300" : "border-transparent text-slate-600 hover:text-slate-900 dark:text-slate-400 dark:hover:text-slate-100"
            }`}
            onClick={() => set("tab", t.id)}
          >
            {t.label}
          </button>
        ))}
      </div>
      {tab === "price-rules" ? <PriceRules /> : tab === "import" ? <ImportListings initialAccount={get("account")} /> : <Items />}
    </>
  );
}
