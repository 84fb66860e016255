import { useEffect, useState } from "react";
import { Link, useSearchParams } from "react-router";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { listings, type ListingFilters } from "../api/endpoints";
import { AuthImage } from "../components/AuthImage";
import { SoldLine } from "../components/analytics/Sold";
import { CrosslistDialog, type CrosslistItem } from "../components/inventory/CrosslistDialog";
import { Button, Empty, ErrorState, Loading, PageHeader, SelectField, StatusBadge, TextField } from "../components/ui";

const PAGE = 24;

export function DraftsPage() {
  const [params, setParams] = useSearchParams();
  const status = (params.get("status") ?? "") as ListingFilters["status"];
  const category = params.get("category") ?? "";
  const q = params.get("q") ?? "";
  const sort = (params.get("sort") ?? "created_at") as NonNullable<ListingFilters["sort"]>;
  const offset = Number(params.get("offset") ?? 0) || 0;
  const [search, setSearch] = useState(q);
  const [crosslisting, setCrosslisting] = useState<CrosslistItem | null>(null);

  const set = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    if (key !== "offset") next.delete("offset");
    setParams(next, { replace: true });
  };

  // Search as you type, once typing pauses.
  useEffect(() => {
    if (search === q) return;
    const t = window.setTimeout(() => set("q", search.trim()), 300);
    return () => window.clearTimeout(t);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [search]);

  const filters: ListingFilters = { status, category, q, sort, order: sort === "title" ? "asc" : "desc", limit: PAGE, offset };
  const list = useQuery({ queryKey: ["listings", "list", filters], queryFn: () => listings.list(filters), placeholderData: keepPreviousData });
  const categories = useQuery({ queryKey: ["categories"], queryFn: listings.categories, staleTime: Infinity });

  return (
    <>
      <PageHeader title="Drafts and listings">
        <Link to="/upload" className="rounded-md bg-indigo-600 px-3 py-2 text-sm font-medium text-white hover:bg-indigo-500">
          New drafts
        </Link>
      </PageHeader>
      <form role="search" className="mb-6 grid gap-3 sm:grid-cols-2 lg:grid-cols-4" onSubmit={(e) => { e.preventDefault(); set("q", search.trim()); }}>
        <TextField label="Search" type="search" placeholder="Title, description or brand" value={search} onChange={(e) => setSearch(e.target.value)} />
        <SelectField label="Status" value={status} onChange={(e) => set("status", e.target.value)}>
          <option value="">Any</option>
          <option value="draft">Draft</option>
          <option value="published">Published</option>
          <option value="sold">Sold</option>
          <option value="archived">Archived</option>
        </SelectField>
        <SelectField label="Category" value={category} onChange={(e) => set("category", e.target.value)}>
          <option value="">Any</option>
          {categories.data?.map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </SelectField>
        <SelectField label="Sort by" value={sort} onChange={(e) => set("sort", e.target.value)}>
          <option value="created_at">Newest</option>
          <option value="updated_at">Recently edited</option>
          <option value="price">Price</option>
          <option value="title">Title</option>
        </SelectField>
      </form>
      {list.isPending ? (
        <Loading />
      ) : list.isError ? (
        <ErrorState error={list.error} onRetry={() => list.refetch()} />
      ) : list.data.items.length === 0 ? (
        <Empty title={q || status || category ? "Nothing matches these filters" : "No drafts yet"}>
          {q || status || category ? "Try other filters." : <Link className="text-indigo-600 underline dark:text-indigo-400" to="/upload">Upload photos</Link>}
        </Empty>
      ) : (
        <>
          <p className="mb-3 text-sm text-slate-500 dark:text-slate-400" data-testid="drafts-total">
            {list.data.total} result{list.data.total === 1 ? "" : "s"}
          </p>
          <ul className="grid grid-cols-1 gap-4 sm:grid-cols-2 lg:grid-cols-3 xl:grid-cols-4" data-testid="drafts-list">
            {list.data.items.map((item) => (
              <li key={item.id} data-testid="draft-card" className="flex flex-col overflow-hidden rounded-lg border border-slate-200 bg-white shadow-sm hover:border-indigo-300 dark:border-slate-800 dark:bg-slate-900">
                <Link to={`/drafts/${item.id}`} className="block flex-1">
                  {item.media_ids[0] ? <AuthImage mediaId={item.media_ids[0]} alt={item.title} className="aspect-[4/3] w-full" /> : <div className="aspect-[4/3] bg-slate-100 dark:bg-slate-800" />}
                  <div className="space-y-1 p-3">
                    <div className="flex items-start justify-between gap-2">
                      <p className="line-clamp-2 font-medium">{item.title}</p>
                      <StatusBadge status={item.status} />
                    </div>
                    <p className="text-sm tabular-nums text-slate-600 dark:text-slate-400">
                      {item.price.toFixed(2)} {item.currency} · {item.category}
                    </p>
                    <SoldLine listing={item} />
                  </div>
                </Link>
                {item.status !== "sold" && (
                  <div className="flex justify-end border-t border-slate-100 px-3 py-2 dark:border-slate-800">
                    <Button variant="ghost" aria-label={`Crosslist ${item.title}`} onClick={() => setCrosslisting(item)}>
                      Crosslist…
                    </Button>
                  </div>
                )}
              </li>
            ))}
          </ul>
          {list.data.total > PAGE && (
            <nav aria-label="Pages" className="mt-6 flex items-center justify-center gap-3">
              <Button variant="secondary" disabled={offset === 0} onClick={() => set("offset", String(Math.max(0, offset - PAGE)))}>
                Previous
              </Button>
              <span className="text-sm">
                {offset + 1}–{Math.min(offset + PAGE, list.data.total)} of {list.data.total}
              </span>
              <Button variant="secondary" disabled={offset + PAGE >= list.data.total} onClick={() => set("offset", String(offset + PAGE))}>
                Next
              </Button>
            </nav>
          )}
        </>
      )}
      {crosslisting && <CrosslistDialog item={crosslisting} onClose={() => setCrosslisting(null)} />}
    </>
  );
}
