/**
 * Inventory and crosslisting (issue #18): an item (a draft) with its listings on every account,
 * crosslisting with a per-account preview, delisting, sales marked by hand, conflicts, price rules
 * and importing an account's listings. One function per route; types generated from the API's schema.
 */
import { api, type Job, type Page } from "./endpoints";
import type { Query } from "./client";
import type { components } from "./schema";

type S = components["schemas"];

export type PlatformListing = S["PlatformListingOut"];
export type PlatformListingStatus = PlatformListing["status"];
export type ConflictKind = NonNullable<PlatformListing["conflict"]>;
export type InventoryItem = S["InventoryItemOut"];
export type ItemStatus = InventoryItem["status"];
export type CrosslistTarget = S["CrosslistTarget"];
export type CrosslistRequest = S["CrosslistRequest"];
export type BulkCrosslistRequest = S["BulkCrosslistRequest"];
export type MarkSoldRequest = S["MarkSoldRequest"];
export type FieldNote = S["FieldNote"];
export type MappedFields = S["MappedFieldsOut"];
export type TargetPreview = S["TargetPreviewOut"];
export type CrosslistPreview = S["CrosslistPreviewOut"];
export type PriceRule = S["PriceRuleOut"];
export type PriceRuleUpdate = S["PriceRuleUpdate"];
export type Rounding = PriceRule["rounding"];
export type Conflict = S["ConflictOut"];

export interface InventoryFilters {
  status?: ItemStatus | "";
  platform?: string;
  account_id?: string;
  q?: string;
  conflicts_only?: boolean;
  limit?: number;
  offset?: number;
}

/** The filters as query parameters: only those set (`conflicts_only` only when on). */
export function inventoryQuery(filters: InventoryFilters): Query {
  const { conflicts_only, ...rest } = filters;
  return { ...rest, conflicts_only: conflicts_only ? true : undefined };
}

export const inventory = {
  list: (filters: InventoryFilters = {}) => api.get<Page<InventoryItem>>("/inventory", inventoryQuery(filters)),
  get: (id: string) => api.get<InventoryItem>(`/inventory/${id}`),
  /** What each account's platform will receive, with what blocks it (problems) and what changes (warnings). */
  preview: (id: string, accountIds: readonly string[], signal?: AbortSignal) =>
    api.get<CrosslistPreview>(`/listings/${id}/crosslist/preview`, { account_id: accountIds }, { signal }),
  /** A job (listings.crosslist) with one publish child per account. */
  crosslist: (id: string, body: CrosslistRequest) => api.post<Job>(`/listings/${id}/crosslist`, body),
  /** Many drafts to the same accounts, one publish per account every `spacing_seconds`. */
  bulkCrosslist: (body: BulkCrosslistRequest) => api.post<Job>("/inventory/crosslist", body),
  /** End the item's listings (everywhere it is live when no accounts are given): a job (listings.delist). */
  delist: (id: string, accountIds?: string[]) => api.post<Job>(`/listings/${id}/delist`, accountIds ? { account_ids: accountIds } : {}),
  markSold: (id: string, body: MarkSoldRequest) => api.post<InventoryItem>(`/listings/${id}/mark-sold`, body),
  conflicts: (query: Query = {}) => api.get<Page<Conflict>>("/inventory/conflicts", query),
  resolve: (platformListingId: string) => api.post<PlatformListing>(`/inventory/platform-listings/${platformListingId}/resolve`),
  retryDelist: (platformListingId: string) => api.post<Job>(`/inventory/platform-listings/${platformListingId}/retry-delist`),
  /** Read the account's live listings and link each to a draft: a job (listings.import). */
  importListings: (accountId: string) => api.post<Job>("/inventory/import", { account_id: accountId }),
};

export const priceRules = {
  list: () => api.get<PriceRule[]>("/inventory/price-rules"),
  update: (platform: string, body: PriceRuleUpdate) => api.put<PriceRule>(`/inventory/price-rules/${encodeURIComponent(platform)}`, body),
};
