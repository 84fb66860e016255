/** Inventory's shared hooks: a listing's conflict actions, the "needs action" count, and the live notices. */
import { useEffect, useRef } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { jobs } from "../../api/endpoints";
import { errorMessage } from "../../api/client";
import { inventory } from "../../api/inventory";
import { onWorkspaceEvent } from "../../lib/events";
import { newConflictsNotice, soldNotice } from "../../lib/inventory";
import { useToast } from "../toast";

/** Everything a conflict changes: the item, the lists, the count, the jobs. */
function useRefreshInventory() {
  const queryClient = useQueryClient();
  return () => {
    void queryClient.invalidateQueries({ queryKey: ["inventory"] });
    void queryClient.invalidateQueries({ queryKey: ["conflicts"] });
    void queryClient.invalidateQueries({ queryKey: ["jobs"] });
  };
}

/** Resolve a listing's conflict, or try its delist again (a job). */
export function useConflictActions() {
  const toast = useToast();
  const refresh = useRefreshInventory();
  const resolve = useMutation({
    mutationFn: (platformListingId: string) => inventory.resolve(platformListingId),
    onSuccess: () => {
      toast.success("Marked resolved");
      refresh();
    },
    onError: (e) => toast.error(errorMessage(e)),
  });
  const retry = useMutation({
    mutationFn: (platformListingId: string) => inventory.retryDelist(platformListingId),
    onSuccess: () => {
      toast.show("Trying the delist again…");
      refresh();
    },
    onError: (e) => toast.error(errorMessage(e)),
  });
  return { resolve, retry };
}

/** How many listings need a person (the nav's badge); refetched on listings' job events. */
export function useConflictCount(enabled: boolean): number | null {
  const count = useQuery({
    queryKey: ["conflicts", "count"],
    queryFn: () => inventory.conflicts({ limit: 1 }),
    enabled,
    retry: false,
    staleTime: 30_000,
  });
  return count.data ? count.data.total : null;
}

/**
 * Toasts for what happens while the seller looks elsewhere: an item sold and its other listings
 * are coming down (a sale's delist job starts), and a listing needs action (the count grew).
 */
export function useInventoryNotices(enabled: boolean, conflicts: number | null): void {
  const toast = useToast();
  const told = useRef(new Set<string>());
  useEffect(() => {
    if (!enabled) return;
    return onWorkspaceEvent((_id, data) => {
      // One delist job per item and sale; its record names the item.
      if (data.type !== "job.created" || data.kind !== "listings.delist" || data.parent_id || told.current.has(data.job_id)) return;
      told.current.add(data.job_id);
      void (async () => {
        try {
          const job = await jobs.get(data.job_id);
          const listingId = job.listing_id ?? (typeof data.payload?.listing_id === "string" ? data.payload.listing_id : null);
          if (!listingId) return;
          const notice = soldNotice(await inventory.get(listingId));
          if (notice) toast.show(notice, "success");
        } catch {
          // a notice is a courtesy: the lists refresh from the same events anyway
        }
      })();
    });
  }, [enabled, toast]);

  const before = useRef<number | null>(null);
  useEffect(() => {
    if (conflicts === null) return;
    const notice = newConflictsNotice(before.current, conflicts);
    before.current = conflicts;
    if (notice) toast.show(notice, "error");
  }, [conflicts, toast]);
}
