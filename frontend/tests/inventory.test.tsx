/** The inventory pages against a stubbed API: badges, needs action, the crosslist dialog, the item view, live notices. */
import { beforeEach, describe, expect, it, vi } from "vitest";
import { act, render, renderHook, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { MemoryRouter } from "react-router";
import { api } from "../src/api/endpoints";
import { InventoryPage } from "../src/pages/Inventory";
import { InventoryItemPage } from "../src/pages/InventoryItem";
import { CrosslistDialog } from "../src/components/inventory/CrosslistDialog";
import { useInventoryNotices } from "../src/components/inventory/hooks";
import { ToastProvider } from "../src/components/toast";
import { useWorkspaceEvents } from "../src/lib/events";
import type { JobEventData } from "../src/lib/progress";
import { json, page, renderAt, type Call } from "./helpers";
import { account, conflict, item, listing, target } from "./inventory-fixtures";

class FakeEventSource {
  static CONNECTING = 0;
  static OPEN = 1;
  static CLOSED = 2;
  static all: FakeEventSource[] = [];
  readyState = FakeEventSource.OPEN;
  onerror: (() => void) | null = null;
  listeners = new Map<string, ((e: MessageEvent) => void)[]>();
  constructor(public url: string) {
    FakeEventSource.all.push(this);
  }
  addEventListener(type: string, fn: (e: MessageEvent) => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), fn]);
  }
  close() {
    this.readyState = FakeEventSource.CLOSED;
  }
  emit(id: string, data: JobEventData) {
    for (const fn of this.listeners.get(data.type) ?? []) fn(new MessageEvent(data.type, { data: JSON.stringify(data), lastEventId: id }));
  }
}

const ALICE = account("a1", "sandbox", "Sandbox marketplace", { label: "Alice" });
const ALICE_B = account("b1", "sandbox_b", "Sandbox Bazaar", { label: "Alice B" });
const STUCK = account("c1", "sandbox", "Sandbox marketplace", { label: "Carol", status: "needs_attention" });
const JOB = { id: "j1", kind: "listings.crosslist", status: "pending", total: 0, done: 0, failed: 0, progress: 0, error: null, result: null, account_id: null, listing_id: "i1" };

const LIVE_ITEM = item({
  listings: [
    listing("p1", { status: "live" }),
    listing("p2", { account_id: "b1", account_label: "Alice B", platform: "sandbox_b", platform_title: "Sandbox Bazaar", status: "delisting", conflict: "delist_failed", conflict_reason: "The account needs attention: a captcha" }),
  ],
  conflicts: 1,
});
const RULES = [
  { platform: "sandbox", platform_title: "Sandbox marketplace", markup_percent: 0, rounding: "none", custom: false },
  { platform: "sandbox_b", platform_title: "Sandbox Bazaar", markup_percent: 10, rounding: "ends_99", custom: false },
];
const SIZE_PROBLEM = { field: "size", message: "Size: Sandbox Bazaar needs a size for clothing and shoes" };

let calls: Call[];
let answers: { items: unknown[]; conflicts: unknown[]; preview: (url: string) => unknown };

beforeEach(() => {
  localStorage.clear();
  api.store.set({ access: "a", refresh: "r" });
  FakeEventSource.all = [];
  vi.stubGlobal("EventSource", FakeEventSource);
  calls = [];
  answers = {
    items: [LIVE_ITEM, item({ id: "i2", title: "Red scarf", status: "draft", listings: [] })],
    conflicts: [conflict()],
    preview: (url) => {
      const ids = new URL(url, "http://x").searchParams.getAll("account_id");
      return { listing_id: "i1", targets: ids.map((id) => (id === "b1" ? target("b1", { platform: "sandbox_b", platform_title: "Sandbox Bazaar", problems: [SIZE_PROBLEM], ready: false }) : target(id))) };
    },
  };
  vi.stubGlobal(
    "fetch",
    vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
      const url = String(input);
      const method = init?.method ?? "GET";
      calls.push({ method, url, body: init?.body ? JSON.parse(String(init.body)) : undefined });
      const path = url.split("?")[0] ?? url;
      if (method === "POST" && path === "/api/v1/events/token") return json(201, { token: "t", expires_in: 120 });
      if (method === "GET" && path === "/api/v1/inventory/conflicts") return json(200, page(answers.conflicts));
      if (method === "GET" && path === "/api/v1/inventory") return json(200, page(answers.items));
      if (method === "GET" && path === "/api/v1/inventory/i1") return json(200, LIVE_ITEM);
      if (method === "GET" && path === "/api/v1/accounts/platforms") return json(200, [{ name: "sandbox", title: "Sandbox marketplace", driver_verified: true }]);
      if (method === "GET" && path === "/api/v1/accounts") return json(200, page([ALICE, ALICE_B, STUCK]));
      if (method === "GET" && path === "/api/v1/listings/i1/crosslist/preview") return json(200, answers.preview(url));
      if (method === "POST" && path === "/api/v1/listings/i1/crosslist") return json(202, JOB);
      if (method === "GET" && path.startsWith("/api/v1/jobs/")) return json(200, { ...JOB, id: path.split("/").pop() });
      if (method === "POST" && path === "/api/v1/inventory/crosslist") return json(202, { ...JOB, id: "j5" });
      if (method === "POST" && path === "/api/v1/inventory/platform-listings/p9/resolve") return json(200, listing("p9"));
      if (method === "POST" && path === "/api/v1/inventory/platform-listings/p9/retry-delist") return json(202, { ...JOB, id: "j2", kind: "listings.delist" });
      if (method === "POST" && path === "/api/v1/listings/i1/mark-sold") return json(200, { ...LIVE_ITEM, status: "sold" });
      if (method === "POST" && path === "/api/v1/listings/i1/delist") return json(202, { ...JOB, id: "j3", kind: "listings.delist" });
      if (method === "GET" && path === "/api/v1/inventory/price-rules") return json(200, RULES);
      if (method === "PUT" && path === "/api/v1/inventory/price-rules/sandbox_b") return json(200, { ...RULES[1], markup_percent: 15, rounding: "whole", custom: true });
      return json(404, { status_code: 404, detail: `no route ${method} ${url}` });
    }),
  );
});

describe("inventory page", () => {
  it("lists items with a badge per listing, the conflict in red, and what needs action with its remedies", async () => {
    const user = userEvent.setup();
    renderAt("/inventory", "/inventory", <InventoryPage />);
    const rows = await screen.findAllByTestId("inventory-item");
    expect(rows).toHaveLength(2);
    const badges = within(rows[0]!).getAllByTestId("listing-badge");
    expect(badges.map((b) => b.textContent)).toEqual(["Sandbox marketplace · live", "Sandbox Bazaar · delisting⚠ delist failed"]);
    expect(within(rows[0]!).getByText("1 needs action")).toBeInTheDocument();
    expect(within(rows[1]!).getByText("Not listed anywhere yet")).toBeInTheDocument();

    const needs = await screen.findByTestId("needs-action");
    const row = within(needs).getByTestId("conflict-row");
    expect(within(row).getByRole("link", { name: "Blue jacket" })).toHaveAttribute("href", "/inventory/i1");
    expect(within(row).getByText("The account needs attention: a captcha")).toBeInTheDocument();
    expect(within(row).getByRole("link", { name: "Open Alice" })).toHaveAttribute("href", "/accounts#account-a1");
    await user.click(within(row).getByRole("button", { name: "Retry delist" }));
    await user.click(within(row).getByRole("button", { name: "Resolve" }));
    await waitFor(() => expect(calls.filter((c) => c.method === "POST").map((c) => c.url)).toEqual([
      "/api/v1/inventory/platform-listings/p9/retry-delist",
      "/api/v1/inventory/platform-listings/p9/resolve",
    ]));
  });

  it("an oversell asks to cancel one of the orders, without a retry", async () => {
    answers.conflicts = [conflict({ status: "sold", conflict: "oversell", conflict_reason: "Sold on Sandbox Bazaar after it sold on Sandbox marketplace — cancel one of the orders" })];
    renderAt("/inventory", "/inventory", <InventoryPage />);
    const row = await screen.findByTestId("conflict-row");
    expect(within(row).getByText(/Cancel one of the orders on the platform/)).toBeInTheDocument();
    expect(within(row).queryByRole("button", { name: "Retry delist" })).not.toBeInTheDocument();
  });

  it("filters go to the address and the request; an empty inventory says how to start", async () => {
    const user = userEvent.setup();
    answers.items = [];
    answers.conflicts = [];
    renderAt("/inventory", "/inventory", <InventoryPage />);
    expect(await screen.findByText("Your inventory is empty")).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Drafts" })).toHaveAttribute("href", "/drafts");
    expect(screen.queryByTestId("needs-action")).not.toBeInTheDocument();
    await user.click(screen.getByLabelText("Needs action only"));
    await screen.findByText("Nothing matches these filters");
    expect(calls.some((c) => c.url.startsWith("/api/v1/inventory?") && c.url.includes("conflicts_only=true"))).toBe(true);
  });

  it("crosslists the selected items to the chosen accounts, spaced", async () => {
    const user = userEvent.setup();
    renderAt("/inventory", "/inventory", <InventoryPage />);
    await screen.findAllByTestId("inventory-item");
    expect(screen.getByRole("button", { name: "Crosslist selected" })).toBeDisabled();
    await user.click(screen.getByLabelText("Select Blue jacket"));
    await user.click(screen.getByLabelText("Select Red scarf"));
    await user.click(screen.getByRole("button", { name: "Crosslist selected (2)" }));
    const dialog = await screen.findByTestId("bulk-crosslist-dialog");
    expect(within(dialog).getByLabelText("Sandbox marketplace · Carol")).toBeDisabled();
    await user.click(within(dialog).getByLabelText("Sandbox Bazaar · Alice B"));
    const spacing = within(dialog).getByLabelText("Seconds between publishes on one account");
    await user.clear(spacing);
    await user.type(spacing, "120");
    await user.click(within(dialog).getByRole("button", { name: "Crosslist 2 items to 1 account" }));
    await waitFor(() => expect(calls.find((c) => c.url === "/api/v1/inventory/crosslist")?.body).toEqual({ listing_ids: ["i1", "i2"], account_ids: ["b1"], spacing_seconds: 120 }));
  });
});

describe("price rules", () => {
  it("shows each platform's rule with an example, and saves a change", async () => {
    const user = userEvent.setup();
    renderAt("/inventory?tab=price-rules", "/inventory", <InventoryPage />);
    const rows = await screen.findAllByTestId("price-rule");
    expect(rows).toHaveLength(2);
    const bazaar = rows[1]!;
    expect(within(bazaar).getByText("default")).toBeInTheDocument();
    expect(within(bazaar).getByTestId("price-rule-example")).toHaveTextContent("e.g. 20.00 → 21.99");
    expect(within(bazaar).getByRole("button", { name: "Save" })).toBeDisabled();
    const markup = within(bazaar).getByLabelText("Markup %");
    await user.clear(markup);
    await user.type(markup, "300");
    await user.click(within(bazaar).getByRole("button", { name: "Save" }));
    expect(within(bazaar).getByText("From -50 to 200 %")).toBeInTheDocument();
    await user.clear(markup);
    await user.type(markup, "15");
    await user.selectOptions(within(bazaar).getByLabelText("Rounding"), "whole");
    expect(within(bazaar).getByTestId("price-rule-example")).toHaveTextContent("e.g. 20.00 → 23.00");
    await user.click(within(bazaar).getByRole("button", { name: "Save" }));
    await waitFor(() => expect(calls.find((c) => c.method === "PUT")?.body).toEqual({ markup_percent: 15, rounding: "whole" }));
    expect(await screen.findByText("your rule")).toBeInTheDocument();
  });
});

describe("crosslist dialog", () => {
  it("previews each chosen account, blocks on a problem naming the field, and sends the prices typed", async () => {
    const user = userEvent.setup();
    renderAt("/drafts/i1", "/drafts/:id", <CrosslistDialog item={{ id: "i1", title: "Blue jacket", status: "draft" }} onClose={() => undefined} />);
    const dialog = await screen.findByTestId("crosslist-dialog");
    const submit = () => within(dialog).getByRole("button", { name: /^Crosslist/ });
    await within(dialog).findByText("Sandbox Bazaar");
    expect(within(dialog).getByText("cannot publish while needs attention")).toBeInTheDocument();
    expect(submit()).toBeDisabled();

    await user.click(within(dialog).getByLabelText("Sandbox marketplace · Alice"));
    await user.click(within(dialog).getByLabelText("Sandbox Bazaar · Alice B"));
    const problems = await within(dialog).findByTestId("preview-problems");
    expect(problems).toHaveTextContent("Size: Sandbox Bazaar needs a size for clothing and shoes");
    expect(within(problems).getByRole("link", { name: "Edit the draft" })).toHaveAttribute("href", "/drafts/i1");
    // One preview for both accounts (grouped by platform: the Bazaar first).
    expect(calls.some((c) => c.url.endsWith("/crosslist/preview?account_id=b1&account_id=a1"))).toBe(true);
    expect(submit()).toBeDisabled();
    expect(within(dialog).getByTestId("crosslist-reason")).toHaveTextContent("1 account has problems to fix first.");

    await user.click(within(dialog).getByLabelText("Sandbox Bazaar · Alice B"));
    await waitFor(() => expect(submit()).toBeEnabled());
    const card = within(dialog).getByTestId("target-preview");
    expect(within(card).getByTestId("mapped-category")).toHaveTextContent("Women / Coats");
    expect(within(card).getByTestId("mapped-price")).toHaveTextContent("22.00 EUR");
    await user.type(within(card).getByLabelText("Price on Sandbox marketplace · Alice"), "30");
    expect(submit()).toHaveTextContent("Crosslist to 1 account");
    await user.click(submit());
    await waitFor(() => expect(calls.find((c) => c.method === "POST" && c.url === "/api/v1/listings/i1/crosslist")?.body).toEqual({ accounts: [{ account_id: "a1", price: 30 }] }));
    // Then the job's progress, and the item's badges.
    expect(await within(dialog).findByRole("heading", { name: "Crosslisting" })).toBeInTheDocument();
    expect(await within(dialog).findByText("Sandbox marketplace · live")).toBeInTheDocument();
  });

  it("asks again when reopened (the draft may have been fixed), and counts no cached answer as checked", async () => {
    const user = userEvent.setup();
    // The app's own client keeps answers 10 s; an answer from before the fix is in it.
    const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false, staleTime: 10_000 } } });
    queryClient.setQueryData(["crosslist-preview", "i1", ["b1"]], { listing_id: "i1", targets: [target("b1", { platform: "sandbox_b", problems: [SIZE_PROBLEM], ready: false })] });
    let release: () => void = () => undefined;
    const answered = new Promise<void>((ok) => (release = ok));
    answers.preview = () => ({ listing_id: "i1", targets: [target("b1", { platform: "sandbox_b", platform_title: "Sandbox Bazaar" })] });
    const original = vi.mocked(fetch).getMockImplementation()!;
    vi.mocked(fetch).mockImplementation(async (input, init) => {
      if (String(input).includes("/crosslist/preview")) await answered;
      return original(input, init);
    });
    render(
      <QueryClientProvider client={queryClient}>
        <MemoryRouter>
          <ToastProvider>
            <CrosslistDialog item={{ id: "i1", title: "Blue jacket", status: "draft" }} onClose={() => undefined} />
          </ToastProvider>
        </MemoryRouter>
      </QueryClientProvider>,
    );
    const dialog = await screen.findByTestId("crosslist-dialog");
    await user.click(await within(dialog).findByLabelText("Sandbox Bazaar · Alice B"));
    expect(within(dialog).getByTestId("crosslist-reason")).toHaveTextContent("Checking what each platform will receive…");
    release();
    await waitFor(() => expect(within(dialog).getByRole("button", { name: "Crosslist to 1 account" })).toBeEnabled());
    expect(within(dialog).queryByTestId("preview-problems")).not.toBeInTheDocument();
  });
});


describe("item view", () => {
  it("shows every listing with what was sent and its conflict; marks sold and delists everywhere", async () => {
    const user = userEvent.setup();
    vi.spyOn(window, "confirm").mockReturnValue(true);
    renderAt("/inventory/i1", "/inventory/:id", <InventoryItemPage />);
    const rows = await screen.findAllByTestId("platform-listing");
    expect(rows).toHaveLength(2);
    expect(within(rows[0]!).getByRole("link", { name: "On Sandbox marketplace" })).toHaveAttribute("href", "http://sandbox.test/items/17");
    expect(within(rows[0]!).getByTestId("fields-sent")).toHaveTextContent("categoryWomen / Coats");
    expect(within(rows[1]!).getByTestId("conflict-note")).toHaveTextContent("Could not be taken down");

    await user.click(screen.getByRole("button", { name: "Mark sold…" }));
    const dialog = await screen.findByTestId("mark-sold-dialog");
    expect(within(dialog).getByText("No other live listing to take down.")).toBeInTheDocument();
    await user.selectOptions(within(dialog).getByLabelText("Where it sold"), "p1");
    await user.clear(within(dialog).getByLabelText("Price (EUR)"));
    await user.type(within(dialog).getByLabelText("Price (EUR)"), "18");
    await user.type(within(dialog).getByLabelText("Buyer"), "ana");
    await user.click(within(dialog).getByRole("button", { name: "Mark sold" }));
    await waitFor(() => expect(calls.find((c) => c.url === "/api/v1/listings/i1/mark-sold")?.body).toEqual({ platform_listing_id: "p1", price: 18, buyer: "ana" }));

    await user.click(screen.getByRole("button", { name: "Delist everywhere" }));
    await waitFor(() => expect(calls.find((c) => c.url === "/api/v1/listings/i1/delist")?.body).toEqual({}));
    expect(await screen.findByRole("heading", { name: "Delisting" })).toBeInTheDocument();
  });
});

describe("live notices", () => {
  it("a sale's delist job tells the seller which item sold and how many listings come down", async () => {
    const sold = item({ status: "sold", sold_via: "p1", listings: [listing("p1", { status: "sold" }), listing("p2", { status: "delisting", platform_title: "Sandbox Bazaar" })] });
    vi.mocked(fetch).mockImplementation(async (input: RequestInfo | URL) => {
      const url = String(input);
      if (url.endsWith("/events/token")) return json(201, { token: "t", expires_in: 120 });
      if (url.endsWith("/jobs/j7")) return json(200, { ...JOB, id: "j7", kind: "listings.delist", listing_id: "i1" });
      if (url.endsWith("/inventory/i1")) return json(200, sold);
      return json(404, { status_code: 404, detail: "no" });
    });
    const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    const wrapper = ({ children }: { children: ReactNode }) => (
      <QueryClientProvider client={queryClient}>
        <ToastProvider>{children}</ToastProvider>
      </QueryClientProvider>
    );
    const { rerender } = renderHook(({ conflicts }: { conflicts: number | null }) => {
      useWorkspaceEvents(true);
      useInventoryNotices(true, conflicts);
    }, { wrapper, initialProps: { conflicts: 0 as number | null } });
    await waitFor(() => expect(FakeEventSource.all).toHaveLength(1));
    const created: JobEventData = { type: "job.created", job_id: "j7", kind: "listings.delist", status: "pending", total: 1, done: 0, failed: 0, progress: 0, at: "2026-12-01T10:00:00Z", payload: {} };
    act(() => FakeEventSource.all[0]!.emit("1-0", created));
    act(() => FakeEventSource.all[0]!.emit("1-0", created));
    expect(await screen.findByText("“Blue jacket” sold on Sandbox marketplace: taking down its 1 other listing.")).toBeInTheDocument();
    rerender({ conflicts: 1 });
    expect(await screen.findByText("1 listing needs your action: see Needs action in Inventory.")).toBeInTheDocument();
    expect(screen.getAllByText(/sold on Sandbox marketplace/)).toHaveLength(1);
  });
});
