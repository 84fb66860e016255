/** Previous / next over a paginated list, with where this page is ("26–50 of 120"). */
import { useSearchParams } from "react-router";
import { Button } from "./ui";

export function Pager({ offset, limit, total, onPage }: { offset: number; limit: number; total: number; onPage: (offset: number) => void }) {
  if (total <= limit && offset === 0) return null;
  return (
    <nav aria-label="Pages" className="mt-4 flex items-center justify-center gap-3">
      <Button variant="secondary" disabled={offset === 0} onClick={() => onPage(Math.max(0, offset - limit))}>
        Previous
      </Button>
      <span className="text-sm tabular-nums">
        {total === 0 ? 0 : offset + 1}–{Math.min(offset + limit, total)} of {total}
      </span>
      <Button variant="secondary" disabled={offset + limit >= total} onClick={() => onPage(offset + limit)}>
        Next
      </Button>
    </nav>
  );
}

/**
 * Filters kept in the address (so a filtered page can be linked and survives a reload): read one,
 * set one (which goes back to the first page), or move to another page.
 */
export function useAddressFilters() {
  const [params, setParams] = useSearchParams();
  const get = (key: string) => params.get(key) ?? "";
  const offset = Number(params.get("offset") ?? 0) || 0;
  const set = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    next.delete("offset");
    setParams(next, { replace: true });
  };
  const page = (to: number) => {
    const next = new URLSearchParams(params);
    if (to) next.set("offset", String(to));
    else next.delete("offset");
    setParams(next);
  };
  return { get, set, offset, page };
}
