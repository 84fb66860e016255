/** The period, account and platform filters of the analytics and sales pages, kept in the address. */
import { useEffect, useState } from "react";
import { useSearchParams } from "react-router";
import { useQuery } from "@tanstack/react-query";
import { accounts } from "../../api/endpoints";
import { PRESETS, localDate, periodDays, periodError, readFilters, type Filters } from "../../lib/analytics";
import { Button, SelectField, TextField } from "../ui";

/** The page's filters from the address, and a way to change them (a change goes back to the first page). */
export function useFilters({ anyTime = false } = {}) {
  const [params, setParams] = useSearchParams();
  const filters = readFilters(params, { anyTime });
  const update = (changes: Record<string, string>) => {
    const next = new URLSearchParams(params);
    for (const [key, value] of Object.entries(changes)) {
      if (value) next.set(key, value);
      else next.delete(key);
    }
    next.delete("offset");
    setParams(next, { replace: true });
  };
  return { filters, update, params, setParams };
}

/** The workspace's accounts (first 100) by id, for labels and the account filter. */
export function useAccounts() {
  return useQuery({ queryKey: ["accounts", "list", { limit: 100 }], queryFn: () => accounts.list({ limit: 100 }), retry: false });
}

export function FilterBar({ filters, update, anyTime = false }: { filters: Filters; update: (changes: Record<string, string>) => void; anyTime?: boolean }) {
  const list = useAccounts();
  const platforms = useQuery({ queryKey: ["accounts", "platforms"], queryFn: accounts.platforms, staleTime: Infinity, retry: false });
  const custom = filters.days === null && !!filters.from;
  const [editing, setEditing] = useState(custom);
  const [from, setFrom] = useState(filters.from);
  const [to, setTo] = useState(filters.to);
  const [error, setError] = useState<string | null>(null);
  // Back and forward change the address, not these fields: follow it.
  useEffect(() => {
    setFrom(filters.from);
    setTo(filters.to);
    setEditing(!!filters.from);
  }, [filters.from, filters.to]);
  const choice = editing || custom ? "custom" : filters.days === null ? "" : String(filters.days);

  const choose = (value: string) => {
    setError(null);
    if (value === "custom") {
      // Start from the days shown, so a small change is a small edit.
      const shown = periodDays(filters, localDate(new Date()));
      if (shown && !from) {
        setFrom(shown.from);
        setTo(shown.to);
      }
      setEditing(true);
      return;
    }
    setEditing(false);
    update({ days: value, from: "", to: "" });
  };
  const apply = () => {
    const problem = periodError(from, to);
    setError(problem);
    if (!problem) update({ days: "", from, to });
  };

  return (
    <form
      role="search"
      aria-label="Filters"
      noValidate
      className="mb-6 flex flex-wrap items-end gap-3"
      onSubmit={(e) => {
        e.preventDefault();
        apply();
      }}
    >
      <div className="w-44">
        <SelectField label="Period" value={choice} onChange={(e) => choose(e.target.value)}>
          {anyTime && <option value="">Any time</option>}
          {PRESETS.map((d) => (
            <option key={d} value={String(d)}>
              Last {d} days
            </option>
          ))}
          <option value="custom">Custom…</option>
        </SelectField>
      </div>
      {(editing || custom) && (
        <>
          <div className="w-40">
            <TextField label="From" type="date" value={from} onChange={(e) => setFrom(e.target.value)} error={error && !from ? error : undefined} />
          </div>
          <div className="w-40">
            <TextField label="To" type="date" value={to} min={from || undefined} onChange={(e) => setTo(e.target.value)} error={error && from ? error : undefined} />
          </div>
          <Button type="submit" variant="secondary">
            Apply
          </Button>
        </>
      )}
      <div className="w-52">
        <SelectField label="Account" value={filters.account} onChange={(e) => update({ account: e.target.value })}>
          <option value="">All accounts</option>
          {list.data?.items.map((a) => (
            <option key={a.id} value={a.id}>
              {a.platform_title} · {a.label || a.login}
            </option>
          ))}
        </SelectField>
      </div>
      <div className="w-40">
        <SelectField label="Platform" value={filters.platform} onChange={(e) => update({ platform: e.target.value })}>
          <option value="">All platforms</option>
          {platforms.data?.map((p) => (
            <option key={p.name} value={p.name}>
              {p.title}
            </option>
          ))}
        </SelectField>
      </div>
    </form>
  );
}
