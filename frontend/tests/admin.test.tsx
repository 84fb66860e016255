import { beforeEach, describe, expect, it, vi } from "vitest";
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { MemoryRouter } from "react-router";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { App } from "../src/App";
import { AuthProvider } from "../src/lib/auth";
import { ToastProvider } from "../src/components/toast";
import { navFor } from "../src/components/Layout";
import { OverrideForm } from "../src/components/admin/OverrideForm";
import { SystemPage } from "../src/pages/admin/System";
import { checkOverride, emptyOverride } from "../src/lib/admin";
import { json, page, renderAt, type Call } from "./helpers";

const me = (isSuperuser: boolean, role = "owner") => ({
  user: { id: "u1", email: "root@example.com", full_name: "Root", is_superuser: isSuperuser, created_at: "2026-01-01T00:00:00Z" },
  workspace: { id: "w1", name: "Root's shop", is_personal: true, role, paused: false, created_at: "2026-01-01T00:00:00Z" },
});

const user = (id: string, email: string, isActive = true) => ({
  id,
  email,
  full_name: "",
  is_superuser: false,
  is_active: isActive,
  created_at: "2026-11-01T10:00:00Z",
  last_login_at: null,
});

class FakeEventSource {
  static CLOSED = 2;
  readyState = 0;
  onerror: (() => void) | null = null;
  constructor(public url: string) {}
  addEventListener() {}
  close() {
    this.readyState = 2;
  }
}

let calls: Call[];

function stubApi(answers: (method: string, url: string) => Response | undefined) {
  calls = [];
  vi.stubGlobal("EventSource", FakeEventSource);
  vi.stubGlobal(
    "fetch",
    vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
      const url = String(input);
      const method = init?.method ?? "GET";
      calls.push({ method, url, body: init?.body ? JSON.parse(String(init.body)) : undefined });
      if (url === "/api/v1/events/token") return json(200, { token: "t", expires_in: 60 });
      return answers(method, url) ?? json(404, { status_code: 404, detail: `unexpected ${method} ${url}` });
    }),
  );
}

function renderApp(path: string) {
  return render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <MemoryRouter initialEntries={[path]}>
        <ToastProvider>
          <AuthProvider>
            <App />
          </AuthProvider>
        </ToastProvider>
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

beforeEach(() => {
  localStorage.clear();
  localStorage.setItem("sellpilot.tokens", JSON.stringify({ access: "a", refresh: "r" }));
});

describe("admin section", () => {
  it("is neither in the nav nor routable for someone who is not a superuser", async () => {
    stubApi((_m, url) => (url.startsWith("/api/v1/auth/me") ? json(200, me(false)) : url.startsWith("/api/v1/workspaces") ? json(200, page([])) : undefined));
    renderApp("/admin/users");
    expect(await screen.findByText("Page not found")).toBeInTheDocument();
    const nav = screen.getAllByRole("navigation", { name: "Main" })[0]!;
    expect(within(nav).queryByRole("link", { name: "Admin" })).not.toBeInTheDocument();
    expect(within(nav).getByRole("link", { name: "Audit log" })).toBeInTheDocument();
    // Not even asked: the console's lists are never requested for them.
    expect(calls.some((c) => c.url.startsWith("/api/v1/admin"))).toBe(false);
  });

  it("shows the Admin link to a superuser and the audit log to owners and admins only", () => {
    expect(navFor(me(true)).map((i) => i.label)).toContain("Admin");
    expect(navFor(me(false)).map((i) => i.label)).not.toContain("Admin");
    expect(navFor(me(false, "admin")).map((i) => i.label)).toContain("Audit log");
    expect(navFor(me(false, "member")).map((i) => i.label)).not.toContain("Audit log");
    expect(navFor(undefined).map((i) => i.label)).not.toContain("Admin");
  });

  it("lists users for a superuser and disables one only after the confirmation", async () => {
    const people = [user("u1", "root@example.com"), user("u2", "bo@example.com"), user("u3", "cy@example.com", false)];
    stubApi((method, url) => {
      if (url.startsWith("/api/v1/auth/me")) return json(200, me(true));
      if (url.startsWith("/api/v1/workspaces")) return json(200, page([]));
      if (method === "GET" && url.startsWith("/api/v1/admin/users?")) return json(200, page(people));
      if (method === "POST" && url === "/api/v1/admin/users/u2/disable") return json(200, { user: { ...people[1], is_active: false }, memberships: [] });
      return undefined;
    });
    const u = userEvent.setup();
    renderApp("/admin/users");
    const rows = await screen.findAllByTestId("user-row");
    expect(rows).toHaveLength(3);
    const [self, bo, cy] = rows as [HTMLElement, HTMLElement, HTMLElement];
    expect(within(self).queryByRole("button")).not.toBeInTheDocument();
    expect(within(self).getByText("You")).toBeInTheDocument();
    expect(within(cy).getByText("disabled")).toBeInTheDocument();
    expect(within(cy).getByRole("button", { name: "Enable" })).toBeInTheDocument();
    expect(within(screen.getAllByRole("navigation", { name: "Main" })[0]!).getByRole("link", { name: "Admin" })).toBeInTheDocument();

    const confirm = vi.spyOn(window, "confirm").mockReturnValueOnce(false).mockReturnValueOnce(true);
    await u.click(within(bo).getByRole("button", { name: "Disable" }));
    expect(calls.filter((c) => c.method === "POST" && c.url.startsWith("/api/v1/admin"))).toEqual([]);
    await u.click(within(bo).getByRole("button", { name: "Disable" }));
    expect(confirm).toHaveBeenCalledTimes(2);
    expect(confirm.mock.calls[1]![0]).toMatch(/Disable bo@example\.com\? Their sessions end at once/);
    await waitFor(() => expect(calls.filter((c) => c.method === "POST" && c.url.startsWith("/api/v1/admin")).map((c) => c.url)).toEqual(["/api/v1/admin/users/u2/disable"]));
    expect(await screen.findByText("bo@example.com is disabled")).toBeInTheDocument();
  });
});

describe("override form", () => {
  const NOW = new Date("2026-12-01T12:00:00Z");
  const LIMITS = [
    { resource: "platform_accounts", label: "platform accounts", limit: 3, used: 2, monthly: false },
    { resource: "ai_generations", label: "AI generations this month", limit: 50, used: 7, monthly: true },
  ];

  it("requires a reason and an expiry in the future, and a whole-number limit", () => {
    const base = { ...emptyOverride(), resource: "platform_accounts", limit: "10" };
    expect(checkOverride({ ...base, reason: "  ", expiresAt: "2026-12-02T12:00" }, NOW).errors.reason).toMatch(/Say why/);
    expect(checkOverride({ ...base, reason: "trial", expiresAt: "2026-11-30T12:00" }, NOW).errors.expiresAt).toBe("The end must be in the future");
    expect(checkOverride({ ...base, reason: "trial", expiresAt: "" }, NOW).errors.expiresAt).toBe("Choose when the override ends");
    expect(checkOverride({ ...base, reason: "trial", expiresAt: "2029-01-01T00:00" }, NOW).errors.expiresAt).toMatch(/within two years/);
    expect(checkOverride({ ...base, limit: "2.5", reason: "trial", expiresAt: "2026-12-02T12:00" }, NOW).errors.limit).toMatch(/whole number/);
    expect(checkOverride({ ...base, limit: "2000000", reason: "trial", expiresAt: "2026-12-02T12:00" }, NOW).errors.limit).toMatch(/whole number/);
    expect(checkOverride({ ...base, reason: "ok", expiresAt: "2026-12-02T12:00" }, NOW).errors.reason).toMatch(/at least 3 characters/);
    const ok = checkOverride({ ...base, reason: " trial month ", expiresAt: "2026-12-02T12:00" }, NOW);
    expect(ok.errors).toEqual({});
    expect(ok.body).toEqual({ resource: "platform_accounts", limit: 10, reason: "trial month", expires_at: new Date("2026-12-02T12:00").toISOString() });
    const plan = checkOverride({ ...emptyOverride(), kind: "plan", plan: "business", reason: "partner", expiresAt: "2027-01-01T00:00" }, NOW);
    expect(plan.body).toEqual({ plan: "business", reason: "partner", expires_at: new Date("2027-01-01T00:00").toISOString() });
  });

  it("says what is missing by the field and sends nothing until it is right", async () => {
    stubApi((method, url) => (method === "POST" && url === "/api/v1/admin/workspaces/w9/overrides" ? json(201, { id: "o1" }) : undefined));
    const u = userEvent.setup();
    renderAt("/", "/", <OverrideForm workspaceId="w9" limits={LIMITS} now={() => NOW} />);
    await u.type(screen.getByLabelText("New limit"), "10");
    await u.click(screen.getByRole("button", { name: "Set override" }));
    expect(screen.getByText(/Say why: the reason is kept/)).toBeInTheDocument();
    expect(screen.getByText("Choose when the override ends")).toBeInTheDocument();
    expect(screen.getByLabelText("Reason")).toHaveAttribute("aria-invalid", "true");

    await u.type(screen.getByLabelText("Ends at"), "2026-11-30T09:00");
    await u.type(screen.getByLabelText("Reason"), "Partner trial");
    await u.click(screen.getByRole("button", { name: "Set override" }));
    expect(screen.getByText("The end must be in the future")).toBeInTheDocument();
    expect(calls).toEqual([]);

    await u.clear(screen.getByLabelText("Ends at"));
    await u.type(screen.getByLabelText("Ends at"), "2026-12-24T18:00");
    await u.click(screen.getByRole("button", { name: "Set override" }));
    await waitFor(() => expect(calls).toHaveLength(1));
    expect(calls[0]).toEqual({
      method: "POST",
      url: "/api/v1/admin/workspaces/w9/overrides",
      body: { resource: "platform_accounts", limit: 10, reason: "Partner trial", expires_at: new Date("2026-12-24T18:00").toISOString() },
    });
    expect(await screen.findByText("Override set")).toBeInTheDocument();
  });

  it("shows what the API refused by the field it names", async () => {
    stubApi((method) =>
      method === "POST" ? json(400, { status_code: 400, detail: "expires_at: must be within two years; set a new override then" }) : undefined,
    );
    const u = userEvent.setup();
    renderAt("/", "/", <OverrideForm workspaceId="w9" limits={LIMITS} now={() => NOW} />);
    await u.type(screen.getByLabelText("New limit"), "10");
    await u.type(screen.getByLabelText("Ends at"), "2026-12-24T18:00");
    await u.type(screen.getByLabelText("Reason"), "Partner trial");
    await u.click(screen.getByRole("button", { name: "Set override" }));
    expect(await screen.findByText("Must be within two years")).toBeInTheDocument();
    expect(screen.getByLabelText("Ends at")).toHaveAttribute("aria-invalid", "true");
  });
});

describe("system health", () => {
  it("marks a worker alive or stale as the API says, with its last beat's age, and shows the queue", async () => {
    const ago = (s: number) => new Date(Date.now() - s * 1000).toISOString();
    stubApi((_m, url) =>
      url === "/api/v1/admin/system"
        ? json(200, {
            queue_depth: 7,
            pending_by_kind: [
              { kind: "listings.analyze", pending: 2 },
              { kind: "campaign.post", pending: 5 },
            ],
            workers: [
              { worker_id: "w-live", last_beat_at: ago(2), alive: true, running_jobs: 3 },
              { worker_id: "w-gone", last_beat_at: ago(600), alive: false, running_jobs: 0 },
            ],
          })
        : undefined,
    );
    renderAt("/admin/system", "/admin/system", <SystemPage />);
    const [live, gone] = (await screen.findAllByTestId("worker-row")) as [HTMLElement, HTMLElement];
    expect(within(live).getByText("alive")).toBeInTheDocument();
    expect(within(live).getByText("3 running")).toBeInTheDocument();
    expect(within(gone).getByText("stale")).toBeInTheDocument();
    expect(within(gone).getByText("beat 10 min ago")).toBeInTheDocument();
    expect(screen.getByTestId("queue-depth")).toHaveTextContent("7");
    expect(screen.getAllByTestId("queue-kind-row").map((r) => r.textContent)).toEqual(["Campaign post5", "Make drafts from photos2"]);
  });
});
