/**
 * Inventory and crosslisting (issue #18): an item (a draft) with its listings on every account,
 * crosslisting with a per-account preview, delisting, sales marked by hand, conflicts, price rules
 * and importing an account's listings. One function per route.
 *
 * The types below are written by hand from `backend/listings/schemas.py`, in the shape
 * `npm run gen:api` gives them (`components["schemas"]["InventoryItemOut"]` …), because the routes
 * are not in the API's OpenAPI schema yet. Once they are, `S` becomes `components["schemas"]`
 * and `InventorySchemas` goes.
 */
import { api, type Job, type Page } from "./endpoints";
import type { Query } from "./client";

export interface InventorySchemas {
  PlatformListingOut: {
    account_id: string;
    account_label: string;
    conflict: "delist_failed" | "oversell" | null;
    conflict_at: string | null;
    conflict_reason: string | null;
    /** Format: date-time */
    created_at: string;
    currency: string;
    error: string | null;
    fields: {
      [key: string]: string;
    };
    /** Format: uuid */
    id: string;
    job_id: string | null;
    last_checked_at: string | null;
    /** Format: uuid */
    listing_id: string;
    platform: string;
    platform_item_id: string | null;
    platform_title: string;
    price: number | null;
    sold_at: string | null;
    /** @enum {string} */
    status: "queued" | "live" | "sold" | "delisting" | "delisted" | "failed";
    /** Format: date-time */
    updated_at: string;
    url: string | null;
  };
  InventoryItemOut: {
    brand: string | null;
    buyer: string | null;
    category: string;
    /** @enum {string} */
    condition: "new_with_tags" | "new_without_tags" | "very_good" | "good" | "satisfactory";
    conflicts: number;
    /** Format: date-time */
    created_at: string;
    currency: string;
    /** Format: uuid */
    id: string;
    listings: InventorySchemas["PlatformListingOut"][];
    media_ids: string[];
    price: number;
    size: string | null;
    sold_at: string | null;
    sold_price: number | null;
    sold_via: string | null;
    /** @enum {string} */
    status: "draft" | "published" | "sold" | "archived";
    title: string;
    /** Format: date-time */
    updated_at: string;
  };
  CrosslistTarget: {
    /** Format: uuid */
    account_id: string;
    price?: number | null;
  };
  CrosslistRequest: {
    accounts: InventorySchemas["CrosslistTarget"][];
  };
  BulkCrosslistRequest: {
    account_ids: string[];
    listing_ids: string[];
    /** @default 60 */
    spacing_seconds: number;
  };
  DelistRequest: {
    account_ids?: string[] | null;
  };
  MarkSoldRequest: {
    buyer?: string | null;
    platform_listing_id?: string | null;
    price?: number | null;
  };
  ImportListingsRequest: {
    /** Format: uuid */
    account_id: string;
  };
  FieldNote: {
    field: string;
    message: string;
  };
  MappedFieldsOut: {
    brand: string | null;
    category: string | null;
    condition: string | null;
    currency: string;
    description: string;
    price: number | null;
    size: string | null;
    title: string;
  };
  TargetPreviewOut: {
    account_id: string;
    account_label: string;
    existing: "queued" | "live" | "sold" | "delisting" | "delisted" | "failed" | null;
    fields: InventorySchemas["MappedFieldsOut"];
    platform: string;
    platform_title: string;
    problems: InventorySchemas["FieldNote"][];
    ready: boolean;
    verified: boolean;
    warnings: InventorySchemas["FieldNote"][];
  };
  CrosslistPreviewOut: {
    /** Format: uuid */
    listing_id: string;
    targets: InventorySchemas["TargetPreviewOut"][];
  };
  PriceRuleOut: {
    custom: boolean;
    markup_percent: number;
    platform: string;
    platform_title: string;
    /** @enum {string} */
    rounding: "none" | "whole" | "ends_99" | "ends_90";
  };
  PriceRuleUpdate: {
    markup_percent: number;
    /** @default none */
    rounding: "none" | "whole" | "ends_99" | "ends_90";
  };
  ConflictOut: {
    /** Format: uuid */
    item_id: string;
    /** @enum {string} */
    item_status: "draft" | "published" | "sold" | "archived";
    item_title: string;
    listing: InventorySchemas["PlatformListingOut"];
  };
}

type S = InventorySchemas;

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
