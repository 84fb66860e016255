/** Inventory records as the API answers them, for the inventory tests. */
import type { Account } from "../src/api/platforms";
import type { Conflict, InventoryItem, PlatformListing, TargetPreview } from "../src/api/inventory";

export function account(id: string, platform: string, platform_title: string, extra: Partial<Account> = {}): Account {
  return {
    id,
    platform,
    platform_title,
    driver_verified: true,
    login: `${id}-login`,
    label: id,
    tags: [],
    status: "active",
    status_reason: "",
    proxy_id: null,
    profile_id: null,
    daily_action_cap: 40,
    actions_today: 0,
    cooldown_until: null,
    last_used_at: null,
    last_login_at: null,
    has_password: true,
    has_cookies: false,
    created_at: "2026-12-01T00:00:00Z",
    updated_at: "2026-12-01T00:00:00Z",
    ...extra,
  };
}

export function listing(id: string, extra: Partial<PlatformListing> = {}): PlatformListing {
  return {
    id,
    listing_id: "i1",
    account_id: "a1",
    account_label: "Alice",
    platform: "sandbox",
    platform_title: "Sandbox marketplace",
    platform_item_id: "17",
    url: "http://sandbox.test/items/17",
    status: "live",
    price: 20,
    currency: "EUR",
    fields: { title: "Blue jacket", category: "Women / Coats" },
    error: null,
    conflict: null,
    conflict_reason: null,
    conflict_at: null,
    job_id: null,
    sold_at: null,
    last_checked_at: null,
    created_at: "2026-12-01T00:00:00Z",
    updated_at: "2026-12-01T00:00:00Z",
    ...extra,
  };
}

export function item(extra: Partial<InventoryItem> = {}): InventoryItem {
  return {
    id: "i1",
    title: "Blue jacket",
    status: "published",
    price: 20,
    currency: "EUR",
    category: "Women / Coats",
    brand: "Acme",
    size: null,
    condition: "good",
    media_ids: [],
    sold_price: null,
    buyer: null,
    sold_at: null,
    sold_via: null,
    listings: [],
    conflicts: 0,
    created_at: "2026-12-01T00:00:00Z",
    updated_at: "2026-12-01T00:00:00Z",
    ...extra,
  };
}

export function target(account_id: string, extra: Partial<TargetPreview> = {}): TargetPreview {
  return {
    account_id,
    account_label: account_id,
    platform: "sandbox",
    platform_title: "Sandbox marketplace",
    verified: true,
    fields: { title: "Blue jacket", description: "Warm", price: 22, currency: "EUR", category: "Women / Coats", condition: "Good", size: null, brand: "Acme" },
    problems: [],
    warnings: [],
    ready: true,
    existing: null,
    ...extra,
  };
}

export function conflict(extra: Partial<PlatformListing> = {}): Conflict {
  return {
    item_id: "i1",
    item_title: "Blue jacket",
    item_status: "sold",
    listing: listing("p9", { status: "delisting", conflict: "delist_failed", conflict_reason: "The account needs attention: a captcha", ...extra }),
  };
}
