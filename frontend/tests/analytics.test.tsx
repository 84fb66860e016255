import { beforeEach, describe, expect, it, vi } from "vitest";
import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useLocation } from "react-router";
import { AnalyticsPage, syncLine } from "../src/pages/Analytics";
import { SalesPage } from "../src/pages/Sales";
import { DraftsPage } from "../src/pages/Drafts";
import { DraftEditorPage } from "../src/pages/DraftEditor";
import type { DashboardOut, ListingStat, SaleOut } from "../src/api/analytics";
import { json, page, renderAt, type Call } from "./helpers";

const ACCOUNT = { id: "a1", platform: "vinted", platform_title: "Vinted", label: "Shop A", login: "shop-a" };
const PLATFORMS = [{ name: "vinted", title: "Vinted", driver_verified: false }, { name: "sandbox", title: "Sandbox", driver_verified: true }];
const zero = { views: 0, likes: 0, messages: 0, follows: 0, sales: 0, revenue: 0 };

function stat(over: Partial<ListingStat>): ListingStat {
  return {
    account_id: "a1", platform: "vinted", platform_item_id: "i1", listing_id: null, title: "Item", category: null, brand: null,
    views: 0, likes: 0, messages: 0, follows: 0, sales: 0, revenue: 0, conversion: null, days_to_sell: null, ...over,
  };
}

const JACKET = stat({ platform_item_id: "i1", listing_id: "d1", title: "Blue jacket", views: 120, likes: 9, sales: 1, revenue: 40, conversion: 0.0083, days_to_sell: 3.5 });
const SCARF = stat({ platform_item_id: "i2", title: "Wool scarf", views: 60, likes: 0 });
const DASHBOARD: DashboardOut = {
  period: { from: "2026-11-02", to: "2026-12-01", days: 30, tz: "Europe/Paris" },
  previous_period: { from: "2026-10-03", to: "2026-11-01", days: 30, tz: "Europe/Paris" },
  totals: { views: 180, likes: 9, messages: 2, follows: 0, sales: 1, revenue: 40 },
  previous_totals: { views: 120, likes: 12, messages: 0, follows: 0, sales: 0, revenue: 0 },
  change: { views: 50, likes: -25, messages: null, follows: null, sales: null, revenue: null },
  series: [{ date: "2026-12-01", views: 180, likes: 9, messages: 2, sales: 1, revenue: 40 }],
  heatmap: [{ weekday: 0, hour: 14, views: 100, sales: 1 }, { weekday: 2, hour: 9, views: 20, sales: 0 }],
  top: { views: [JACKET, SCARF], likes: [JACKET], conversion: [JACKET], days_to_sell: [JACKET] },
  bottom: { views: [SCARF, JACKET], likes: [SCARF], conversion: [JACKET], days_to_sell: [JACKET] },
  categories: [{ name: "Jackets", listings: 1, views: 120, likes: 9, sales: 1, revenue: 40, views_share: 0.6667, sales_share: 1 }],
  brands: [{ name: "Unknown", listings: 2, views: 180, likes: 9, sales: 1, revenue: 40, views_share: 1, sales_share: 1 }],
  accounts: [{ account_id: "a1", platform: "vinted", label: "Shop A", listings: 2, views: 180, likes: 9, messages: 2, follows: 0, sales: 1, revenue: 40, conversion: 0.0056 }],
  reprice: [SCARF],
  reprice_min_views: 50,
  sync_every_minutes: 60,
  last_synced_at: "2026-12-01T10:00:00Z",
};

let calls: Call[];
function stubFetch(handler: (url: string) => Response | undefined) {
  calls = [];
  vi.stubGlobal(
    "fetch",
    vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
      const url = String(input);
      calls.push({ method: init?.method ?? "GET", url, body: undefined });
      if (url.startsWith("/api/v1/accounts/platforms")) return json(200, PLATFORMS);
      if (url.startsWith("/api/v1/accounts")) return json(200, page([ACCOUNT]));
      return handler(url) ?? json(404, { status_code: 404, detail: `unexpected ${url}` });
    }),
  );
}

function Probe() {
  const location = useLocation();
  return <output data-testid="location">{location.search}</output>;
}

beforeEach(() => {
  localStorage.clear();
  localStorage.setItem("sellpilot.tokens", JSON.stringify({ access: "a", refresh: "r" }));
});

const dashboardCalls = () => calls.filter((c) => c.url.startsWith("/api/v1/analytics/dashboard")).map((c) => new URL(c.url, "http://x").searchParams);

describe("analytics page", () => {
  it("shows totals with their change, the heatmap, rankings linking to drafts and the reprice list", async () => {
    const user = userEvent.setup();
    stubFetch((url) => (url.startsWith("/api/v1/analytics/dashboard") ? json(200, DASHBOARD) : undefined));
    renderAt("/analytics?days=30&account=a1", "/analytics", <AnalyticsPage />);

    // grey blocks in the page's shape first, then the figures
    expect(screen.getByRole("status", { name: "Loading the dashboard" })).toBeInTheDocument();
    expect(await screen.findByTestId("dashboard")).toBeInTheDocument();
    const sent = dashboardCalls()[0]!;
    expect(sent.get("account")).toBe("a1");
    expect(sent.get("tz")).toBeTruthy();
    expect(sent.get("from")).toMatch(/^\d{4}-\d{2}-\d{2}$/);

    expect(within(screen.getByTestId("total-views")).getByText("180")).toBeInTheDocument();
    expect(screen.getByTestId("change-views")).toHaveTextContent("+50 %");
    expect(screen.getByTestId("change-likes")).toHaveTextContent("−25 %");
    expect(screen.getByTestId("change-sales")).toHaveTextContent("no data before");

    // the busiest cell is the darkest; an empty one is blank; the tooltip has both figures
    const heat = screen.getByTestId("heatmap");
    const busiest = within(heat).getByTitle("Mon 14:00–15:00: 100 views, 1 sales");
    expect(busiest).toHaveAttribute("data-level", "4");
    expect(within(heat).getByTitle("Wed 09:00–10:00: 20 views, 0 sales")).toHaveAttribute("data-level", "1");
    expect(within(heat).getByTitle("Sun 23:00–00:00: 0 views, 0 sales")).toHaveAttribute("data-level", "0");
    await user.click(screen.getByRole("radio", { name: "sales" }));
    expect(within(heat).getByTitle("Wed 09:00–10:00: 20 views, 0 sales")).toHaveAttribute("data-level", "0");

    const top = screen.getByRole("table", { name: "Most viewed (top 10)" });
    expect(within(top).getByRole("link", { name: "Blue jacket" })).toHaveAttribute("href", "/drafts/d1");
    // an item not from a draft has no link
    expect(within(top).getByText("Wool scarf").closest("a")).toBeNull();
    await user.click(screen.getByRole("tab", { name: "Days to sell" }));
    expect(within(screen.getByRole("table", { name: "Fastest sold (top 10)" })).getByText(`${(3.5).toLocaleString()} d`)).toBeInTheDocument();

    const reprice = screen.getByRole("list", { name: "Listings to reprice" });
    expect(within(reprice).getByText("Wool scarf")).toBeInTheDocument();
    expect(screen.getByText(/at least 50 views and no like/)).toBeInTheDocument();
    expect(within(screen.getByRole("table", { name: "Accounts compared" })).getByRole("link", { name: "Shop A" })).toHaveAttribute("href", "/accounts#account-a1");
  });

  it("keeps the filters in the address and asks again; a wrong custom period is explained, not sent", async () => {
    const user = userEvent.setup();
    stubFetch((url) => (url.startsWith("/api/v1/analytics/dashboard") ? json(200, DASHBOARD) : undefined));
    renderAt("/analytics", "/analytics", <><AnalyticsPage /><Probe /></>);
    await screen.findByTestId("dashboard");

    await user.selectOptions(screen.getByLabelText("Platform"), "sandbox");
    await waitFor(() => expect(screen.getByTestId("location")).toHaveTextContent("platform=sandbox"));
    await waitFor(() => expect(dashboardCalls().at(-1)!.get("platform")).toBe("sandbox"));

    await user.selectOptions(screen.getByLabelText("Period"), "custom");
    // jsdom's date inputs take a value, not keystrokes
    fireEvent.change(screen.getByLabelText("From"), { target: { value: "2026-11-10" } });
    fireEvent.change(screen.getByLabelText("To"), { target: { value: "2026-11-01" } });
    const before = dashboardCalls().length;
    await user.click(screen.getByRole("button", { name: "Apply" }));
    expect(await screen.findByText("The last day must not be before the first")).toBeInTheDocument();
    expect(dashboardCalls()).toHaveLength(before);

    fireEvent.change(screen.getByLabelText("To"), { target: { value: "2026-11-20" } });
    await user.click(screen.getByRole("button", { name: "Apply" }));
    await waitFor(() => expect(screen.getByTestId("location")).toHaveTextContent("from=2026-11-10&to=2026-11-20"));
    await waitFor(() => expect(dashboardCalls().at(-1)!.get("to")).toBe("2026-11-20"));
    expect(dashboardCalls().at(-1)!.get("from")).toBe("2026-11-10");
  });

  it("explains how data arrives when there is none", async () => {
    const empty = { ...DASHBOARD, totals: zero, previous_totals: zero, change: { views: null, likes: null, messages: null, follows: null, sales: null, revenue: null }, accounts: [], reprice: [] };
    stubFetch((url) => (url.startsWith("/api/v1/analytics/dashboard") ? json(200, empty) : undefined));
    renderAt("/analytics", "/analytics", <AnalyticsPage />);
    expect(await screen.findByText("No activity in this period yet")).toBeInTheDocument();
    expect(screen.getByText(/synced on a schedule your/)).toBeInTheDocument();
    expect(screen.getByText("POST /api/v1/analytics/events")).toBeInTheDocument();
    expect(screen.queryByTestId("dashboard")).toBeNull();
  });
});

const SALE: SaleOut = {
  id: "s1", account_id: "a1", platform: "vinted", platform_item_id: "i1", listing_id: "d1", title: "Blue jacket",
  price: 40, currency: "EUR", buyer: "bob", sold_at: "2026-11-20T10:00:00Z", listed_at: "2026-11-16T10:00:00Z", created_at: "2026-11-20T10:05:00Z",
};

describe("how fresh the numbers are", () => {
  it("says how often accounts are read and when they last were", () => {
    const now = Date.parse("2026-12-01T10:30:00Z");
    expect(syncLine(DASHBOARD, now)).toBe("Accounts' numbers are read every 1 h; last read 30 min ago.");
    expect(syncLine({ ...DASHBOARD, sync_every_minutes: 15, last_synced_at: null }, now)).toBe(
      "Accounts' numbers are read every 15 min; not read yet.",
    );
  });
});

describe("sales page", () => {
  it("lists sales with account, price, buyer and the draft, pages, and downloads the same filters as CSV", async () => {
    const user = userEvent.setup();
    // jsdom has no object URLs: the download hands the CSV to one
    URL.createObjectURL = vi.fn(() => "blob:sales");
    URL.revokeObjectURL = vi.fn();
    stubFetch((url) => {
      if (url.startsWith("/api/v1/sales.csv")) return new Response("sold_at,title\n", { status: 200, headers: { "Content-Disposition": 'attachment; filename="sales.csv"' } });
      if (url.startsWith("/api/v1/sales")) return json(200, { ...page([SALE], 30), limit: 25 });
      return undefined;
    });
    renderAt("/sales?platform=vinted", "/sales", <><SalesPage /><Probe /></>);

    const row = (await screen.findAllByTestId("sale-row"))[0]!;
    expect(within(row).getByText("Blue jacket")).toBeInTheDocument();
    expect(within(row).getByText("Shop A")).toBeInTheDocument();
    expect(within(row).getByText("40.00 EUR")).toBeInTheDocument();
    expect(within(row).getByText("bob")).toBeInTheDocument();
    expect(within(row).getByRole("link", { name: "Draft of Blue jacket" })).toHaveAttribute("href", "/drafts/d1");
    const first = new URL(calls.find((c) => c.url.startsWith("/api/v1/sales?"))!.url, "http://x").searchParams;
    expect(first.get("platform")).toBe("vinted");
    expect(first.get("from")).toBeNull();

    await user.selectOptions(screen.getByLabelText("Period"), "7");
    await waitFor(() => expect(screen.getByTestId("location")).toHaveTextContent("days=7"));
    await user.click(screen.getByRole("button", { name: "Next" }));
    await waitFor(() => expect(calls.some((c) => c.url.includes("offset=25"))).toBe(true));

    await user.click(screen.getByRole("button", { name: "Export CSV" }));
    await waitFor(() => expect(calls.some((c) => c.url.startsWith("/api/v1/sales.csv"))).toBe(true));
    await waitFor(() => expect(URL.createObjectURL).toHaveBeenCalled());
    const csv = new URL(calls.find((c) => c.url.startsWith("/api/v1/sales.csv"))!.url, "http://x").searchParams;
    expect(csv.get("platform")).toBe("vinted");
    expect(csv.get("from")).toMatch(/Z$/);
    expect(csv.get("offset")).toBeNull();
  });

  it("explains where sales come from when there are none", async () => {
    stubFetch((url) => (url.startsWith("/api/v1/sales") ? json(200, page([])) : undefined));
    renderAt("/sales", "/sales", <SalesPage />);
    expect(await screen.findByText("No sales yet")).toBeInTheDocument();
    expect(screen.getByText(/a sold item marks its draft sold/)).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Export CSV" })).toBeDisabled();
  });
});

const SOLD_DRAFT = {
  id: "d1", account_id: "a1", ai_provider: null, brand: "Acme", category: "Jackets", colours: [], condition: "good", created_at: "2026-11-16T10:00:00Z",
  currency: "EUR", description: "", keywords: [], materials: [], media_ids: [], platform_item_id: "i1", platform_url: null, price: 45, size: null,
  source_job_id: null, status: "sold", title: "Blue jacket", updated_at: "2026-11-20T10:05:00Z", sold_price: 40, buyer: "bob", sold_at: "2026-11-20T10:00:00Z",
};

describe("sold drafts", () => {
  it("shows a sold draft as sold, with its price and buyer, in the list and the editor", async () => {
    stubFetch((url) => {
      if (url.startsWith("/api/v1/listings/categories")) return json(200, ["Jackets"]);
      if (url.startsWith("/api/v1/listings/d1")) return json(200, SOLD_DRAFT);
      if (url.startsWith("/api/v1/listings")) return json(200, page([SOLD_DRAFT]));
      return undefined;
    });
    renderAt("/drafts?status=sold", "/drafts", <DraftsPage />);
    const card = await screen.findByTestId("draft-card");
    expect(within(card).getByText("sold")).toBeInTheDocument();
    expect(within(card).getByTestId("sold-line")).toHaveTextContent("Sold for 40.00 EUR to bob");
    expect(new URL(calls.find((c) => c.url.startsWith("/api/v1/listings?"))!.url, "http://x").searchParams.get("status")).toBe("sold");
  });

  it("tells in the editor what the draft sold for and to whom", async () => {
    stubFetch((url) => {
      if (url.startsWith("/api/v1/listings/categories")) return json(200, ["Jackets"]);
      if (url.startsWith("/api/v1/listings/d1/price-history")) return json(200, []);
      if (url.startsWith("/api/v1/listings/d1")) return json(200, SOLD_DRAFT);
      return undefined;
    });
    renderAt("/drafts/d1", "/drafts/:id", <DraftEditorPage />);
    expect(await screen.findByTestId("sold-notice")).toHaveTextContent(/Sold for 40.00 EUR to bob on/);
  });
});
