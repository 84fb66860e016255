import { beforeEach, describe, expect, it, vi } from "vitest";
import { render, screen, within } from "@testing-library/react";
import { MemoryRouter } from "react-router";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { AccountsPage } from "../src/pages/Platforms";
import { PlanCard } from "../src/pages/Billing";
import { ToastProvider } from "../src/components/toast";
import { humanDetail } from "../src/api/client";
import type { Billing } from "../src/api/endpoints";

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
const page = (items: unknown[]) => ({ items, total: items.length, limit: 100, offset: 0 });

const LIMITS = [
  ["platform_accounts", "platform accounts"],
  ["ai_generations", "AI generations this month"],
  ["active_rules", "active automation rules"],
  ["concurrent_jobs", "concurrent jobs"],
  ["seats", "seats (members and pending invitations)"],
] as const;
const plan = (name: string, title: string, price: number, limits: number[]) => ({
  name,
  title,
  monthly_price: price,
  currency: "EUR",
  limits: LIMITS.map(([resource, label], i) => ({ resource, label, limit: limits[i]! })),
});
const BILLING: Billing = {
  configured: false,
  plan: "free",
  plan_title: "Free",
  status: "none",
  current_period_end: null,
  cancel_at_period_end: false,
  period: "2026-11",
  limits: LIMITS.map(([resource, label], i) => ({ resource, label, limit: [2, 20, 3, 2, 2][i]!, used: [2, 3, 0, 0, 1][i]!, monthly: resource === "ai_generations" })),
  plans: [plan("free", "Free", 0, [2, 20, 3, 2, 2]), plan("pro", "Pro", 29, [10, 500, 25, 10, 5]), plan("business", "Business", 99, [50, 5000, 200, 50, 25])],
};

describe("billing plan cards", () => {
  it("show each plan's price a month, its limits and what the workspace uses", () => {
    render(
      <MemoryRouter>
        {BILLING.plans.map((p) => (
          <PlanCard key={p.name} plan={p} billingInfo={BILLING} />
        ))}
      </MemoryRouter>,
    );
    const pro = screen.getByTestId("plan-pro");
    expect(within(pro).getByTestId("plan-pro-price")).toHaveTextContent(/€29\s*\/ month/);
    expect(within(pro).getByTestId("plan-pro-platform_accounts")).toHaveTextContent(/10 platform accounts\s*you use 2/);
    expect(within(pro).getByTestId("plan-pro-ai_generations")).toHaveTextContent(/500 AI generations a month\s*you use 3/);
    expect(within(pro).getByTestId("plan-pro-active_rules")).toHaveTextContent("25 active automation rules");
    expect(within(pro).getByTestId("plan-pro-concurrent_jobs")).toHaveTextContent("10 concurrent jobs");
    expect(within(pro).getByTestId("plan-pro-seats")).toHaveTextContent(/5 seats\s*you use 1/);
    expect(screen.getByTestId("plan-business-price")).toHaveTextContent("€99");
    expect(screen.getByTestId("plan-free-price")).toHaveTextContent(/€0\s*\/ month/);
    expect(within(screen.getByTestId("plan-free")).getByText("Current plan")).toBeInTheDocument();
    expect(within(pro).queryByText("Current plan")).not.toBeInTheDocument();
  });
});

describe("Add account at the plan limit", () => {
  let billing: Billing;
  beforeEach(() => {
    localStorage.clear();
    billing = BILLING;
    vi.stubGlobal(
      "fetch",
      vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
        const url = String(input);
        const method = init?.method ?? "GET";
        if (method === "GET" && url.startsWith("/api/v1/billing")) return json(200, billing);
        if (method === "GET" && url.startsWith("/api/v1/accounts/platforms")) return json(200, [{ name: "sandbox", title: "Sandbox marketplace", driver_verified: true }]);
        if (method === "GET" && /^\/api\/v1\/(accounts|proxies|profiles)/.test(url)) return json(200, page([]));
        return json(404, { status_code: 404, detail: `unexpected ${method} ${url}` });
      }),
    );
  });

  const renderPage = () =>
    render(
      <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
        <MemoryRouter>
          <ToastProvider>
            <AccountsPage />
          </ToastProvider>
        </MemoryRouter>
      </QueryClientProvider>,
    );

  it("is disabled with the reason when every account of the plan is in use", async () => {
    renderPage();
    const reason = await screen.findByTestId("account-limit");
    expect(reason).toHaveTextContent("Your Free plan allows 2 platform accounts, and 2 are in use.");
    expect(within(reason).getByRole("link", { name: "upgrade your plan" })).toHaveAttribute("href", "/billing");
    const button = screen.getByRole("button", { name: "Add account" });
    expect(button).toBeDisabled();
    expect(button).toHaveAccessibleDescription(/2 are in use/);
  });

  it("stays available below the limit", async () => {
    billing = { ...BILLING, limits: BILLING.limits.map((l) => (l.resource === "platform_accounts" ? { ...l, used: 1 } : l)) };
    renderPage();
    await screen.findByRole("heading", { name: "Platform accounts" });
    await new Promise((r) => setTimeout(r, 50));
    expect(screen.queryByTestId("account-limit")).not.toBeInTheDocument();
  });
});

describe("API details a person reads", () => {
  it("leave out the API routes", () => {
    expect(
      humanDetail("Plan limit reached: platform accounts: 2 of 2 used on the Free plan; upgrade to Pro for 10 (POST /api/v1/billing/checkout)"),
    ).toBe("Plan limit reached: platform accounts: 2 of 2 used on the Free plan; upgrade to Pro for 10");
    expect(humanDetail("This workspace has no billing account yet; subscribe with POST /api/v1/billing/checkout")).toBe(
      "This workspace has no billing account yet; subscribe on the Billing page",
    );
    expect(humanDetail("cookies[0].sameSite: must be Strict, Lax or None")).toBe("cookies[0].sameSite: must be Strict, Lax or None");
  });
});
