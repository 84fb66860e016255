/** Accounts to list on, grouped by platform: each with its status; unverified drivers marked; only active accounts can be chosen. */
import { Link } from "react-router";
import type { Account } from "../../api/platforms";
import type { PlatformListingStatus } from "../../api/inventory";
import { accountBlocked, accountName, groupAccounts } from "../../lib/inventory";
import { Badge, StatusBadge } from "../ui";
import { ListingStatusBadge } from "./Badges";

export function AccountPicker({
  accounts,
  chosen,
  onChange,
  existing = {},
}: {
  accounts: readonly Account[];
  chosen: readonly string[];
  onChange: (ids: string[]) => void;
  /** the item's listing on each account already, by account id */
  existing?: Readonly<Record<string, PlatformListingStatus>>;
}) {
  const toggle = (id: string, on: boolean) => onChange(on ? [...chosen, id] : chosen.filter((c) => c !== id));
  return (
    <div className="space-y-3" data-testid="account-picker">
      {groupAccounts(accounts).map((group) => (
        <fieldset key={group.platform} className="min-w-0 rounded-md border border-slate-200 p-3 dark:border-slate-800">
          <legend className="flex flex-wrap items-center gap-2 px-1 text-sm font-medium">
            {group.title}
            {!group.verified && (
              <span title="This platform's driver has not been checked against the live site; publishing may fail.">
                <Badge tone="amber">unverified driver</Badge>
              </span>
            )}
          </legend>
          <ul className="space-y-1">
            {group.accounts.map((a) => {
              const blocked = accountBlocked(a);
              const here = existing[a.id];
              return (
                <li key={a.id} className="flex flex-wrap items-center gap-2 text-sm">
                  <label className={`flex min-w-0 items-center gap-2 ${blocked ? "opacity-60" : ""}`}>
                    <input
                      type="checkbox"
                      className="h-4 w-4 rounded border-slate-300 text-indigo-600"
                      checked={chosen.includes(a.id)}
                      disabled={!!blocked && !chosen.includes(a.id)}
                      onChange={(e) => toggle(a.id, e.target.checked)}
                      aria-label={`${group.title} · ${accountName(a)}`}
                    />
                    <span className="break-all">{accountName(a)}</span>
                  </label>
                  <StatusBadge status={a.status} />
                  {here && (
                    <span className="inline-flex items-center gap-1 text-xs text-slate-500 dark:text-slate-400">
                      here: <ListingStatusBadge status={here} />
                    </span>
                  )}
                  {blocked && <span className="text-xs text-amber-700 dark:text-amber-300">cannot publish while {blocked}</span>}
                </li>
              );
            })}
          </ul>
        </fieldset>
      ))}
    </div>
  );
}

/** What a crosslist dialog shows when the workspace has no platform account to list on. */
export function NoAccountYet({ onClose }: { onClose: () => void }) {
  return (
    <p className="text-sm">
      No platform account yet.{" "}
      <Link className="text-indigo-600 underline dark:text-indigo-400" to="/accounts" onClick={onClose}>
        Add one
      </Link>{" "}
      to crosslist.
    </p>
  );
}
