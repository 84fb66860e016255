import { beforeEach, describe, expect, it, vi } from "vitest";
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { MemoryRouter } from "react-router";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { AccountsPage } from "../src/pages/Platforms";
import { ToastProvider } from "../src/components/toast";

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
const page = (items: unknown[]) => ({ items, total: items.length, limit: 100, offset: 0 });

const ACCOUNT = {
  id: "a1",
  platform: "sandbox",
  platform_title: "Sandbox marketplace",
  driver_verified: true,
  login: "jane",
  label: "Main shop",
  tags: ["fashion", "eu"],
  status: "needs_attention",
  status_reason: "The platform asked for a code",
  proxy_id: "p1",
  profile_id: null,
  daily_action_cap: 40,
  actions_today: 3,
  cooldown_until: "2099-01-01T00:00:00Z",
  last_used_at: null,
  last_login_at: null,
  has_password: true,
  has_cookies: false,
  created_at: "2026-01-01T00:00:00Z",
  updated_at: "2026-01-01T00:00:00Z",
};
const PROXY = { id: "p1", label: "Office", kind: "datacenter", scheme: "http", host: "10.0.0.1", port: 8080, has_credentials: false, status: "healthy", latency_ms: 12, last_checked_at: null, last_error: "", created_at: "", updated_at: "" };
const PROFILE = { id: "pr1", name: "Desk", template: null, user_agent: "UA", viewport_width: 1366, viewport_height: 768, locale: "en-US", timezone: "UTC", is_mobile: false, created_at: "", updated_at: "" };
const JOB = { id: "j1", kind: "accounts.resume", status: "pending", total: 1, done: 0, failed: 0, progress: 0 };

function renderPage() {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    <QueryClientProvider client={queryClient}>
      <MemoryRouter>
        <ToastProvider>
          <AccountsPage />
        </ToastProvider>
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

describe("account editor", () => {
  let patches: unknown[];
  let patchAnswer: () => Response;

  beforeEach(() => {
    localStorage.clear();
    patches = [];
    patchAnswer = () => json(200, ACCOUNT);
    vi.stubGlobal(
      "fetch",
      vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
        const url = String(input);
        const method = init?.method ?? "GET";
        if (method === "GET" && url.startsWith("/api/v1/accounts/platforms")) return json(200, [{ name: "sandbox", title: "Sandbox marketplace", driver_verified: true }]);
        if (method === "GET" && url.startsWith("/api/v1/accounts")) return json(200, page([ACCOUNT]));
        if (method === "GET" && url.startsWith("/api/v1/proxies")) return json(200, page([PROXY]));
        if (method === "GET" && url.startsWith("/api/v1/profiles")) return json(200, page([PROFILE]));
        if (method === "PATCH" && url === "/api/v1/accounts/a1") {
          patches.push(JSON.parse(String(init?.body)));
          return patchAnswer();
        }
        if (method === "POST" && url === "/api/v1/accounts/a1/resume") return json(202, JOB);
        return json(404, { status_code: 404, detail: `unexpected ${method} ${url}` });
      }),
    );
  });

  it("shows proxy, usage and cooldown, and PATCHes only the changed fields", async () => {
    const user = userEvent.setup();
    renderPage();
    const row = await screen.findByTestId("account-row");
    await within(row).findByText(/proxy: Office/);
    expect(within(row).getByTestId("account-usage")).toHaveTextContent(/3\/40 actions today · last used — · cooling down until/);
    expect(within(row).getByTestId("account-tags")).toHaveTextContent("fashioneu");

    await user.click(within(row).getByRole("button", { name: "Edit" }));
    const form = screen.getByRole("form", { name: "Edit Main shop" });
    expect(within(form).getByLabelText("Label")).toHaveFocus();
    await user.selectOptions(within(form).getByLabelText("Proxy"), "");
    await user.selectOptions(within(form).getByLabelText("Browser profile"), "pr1");
    await user.clear(within(form).getByLabelText("Daily action cap"));
    await user.type(within(form).getByLabelText("Daily action cap"), "60");
    expect(within(form).getByLabelText("Tags")).toHaveValue("fashion, eu");
    await user.type(within(form).getByLabelText("Tags"), ", Shoes");
    await user.click(within(form).getByRole("button", { name: "Save changes" }));

    await waitFor(() =>
      expect(patches).toEqual([{ proxy_id: null, profile_id: "pr1", daily_action_cap: 60, tags: ["fashion", "eu", "shoes"] }]),
    );
    expect(await screen.findByText("Account saved")).toBeInTheDocument();
    await waitFor(() => expect(screen.queryByRole("form", { name: "Edit Main shop" })).not.toBeInTheDocument());
  });

  it("checks pasted cookies before sending, and shows the API's field error", async () => {
    const user = userEvent.setup();
    renderPage();
    const row = await screen.findByTestId("account-row");
    await user.click(within(row).getByRole("button", { name: "Edit" }));
    const cookies = screen.getByLabelText("Cookies (JSON)");
    await user.click(cookies);
    await user.paste("session=abc");
    await user.click(screen.getByRole("button", { name: "Save changes" }));
    expect(cookies).toHaveAccessibleDescription(/Not valid JSON/);
    expect(patches).toEqual([]);

    patchAnswer = () => json(400, { status_code: 400, detail: "cookies[0].domain: required (for example .vinted.fr)" });
    // Passes the browser-side check; the server refuses it and names the field.
    await user.clear(cookies);
    await user.paste('[{"name": "sid", "value": "x", "domain": "x"}]');
    await user.click(screen.getByRole("button", { name: "Save changes" }));
    await waitFor(() => expect(cookies).toHaveAccessibleDescription("cookies[0].domain: required (for example .vinted.fr)"));
    expect(patches).toEqual([{ cookies: [{ name: "sid", value: "x", domain: "x" }] }]);
    // Escape closes the panel and gives the focus back to Edit.
    await user.keyboard("{Escape}");
    expect(within(row).getByRole("button", { name: "Edit" })).toHaveFocus();
  });

  it("says that resume starts a job", async () => {
    const user = userEvent.setup();
    renderPage();
    const row = await screen.findByTestId("account-row");
    await user.click(within(row).getByRole("button", { name: "Resume" }));
    expect(await screen.findByText("Resume started: the session is re-checked, then paused work continues")).toBeInTheDocument();
    expect(within(row).getByRole("link", { name: "follow the job" })).toHaveAttribute("href", "/jobs/j1");
  });
});
