import { beforeEach, describe, expect, it, vi } from "vitest";
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { MemoryRouter } from "react-router";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { AuditPage } from "../src/pages/Audit";
import { AdminAuditPage } from "../src/pages/admin/Audit";
import { AuthProvider, useAuth } from "../src/lib/auth";
import { ToastProvider } from "../src/components/toast";
import { actionWords, auditQuery, targetText, zonedTime } from "../src/lib/audit";
import { json, page, renderAt } from "./helpers";

const me = (role: string) => ({
  user: { id: "u1", email: "ana@example.com", full_name: "Ana Owner", is_superuser: false, created_at: "2026-01-01T00:00:00Z" },
  workspace: { id: "w1", name: "Ana's shop", is_personal: true, role, paused: false, created_at: "2026-01-01T00:00:00Z" },
});
const member = (id: string, email: string, role: string) => ({ user_id: id, email, full_name: "", role, paused: false, joined_at: "2026-01-01T00:00:00Z" });
const entry = (id: string, action: string, extra: Record<string, unknown> = {}) => ({
  id,
  workspace_id: "w1",
  actor_id: "u2",
  actor_email: "bo@example.com",
  action,
  target: "user:6f1c1a2b-0000-4000-8000-000000000001",
  details: { role: "admin" },
  ip: "203.0.113.9",
  created_at: "2026-11-30T10:00:00Z",
  ...extra,
});

let auditUrls: URL[];

function renderAudit(role: string, entries: unknown[]) {
  auditUrls = [];
  vi.stubGlobal(
    "fetch",
    vi.fn(async (input: RequestInfo | URL) => {
      const url = String(input);
      if (url.startsWith("/api/v1/auth/me")) return json(200, me(role));
      if (url.startsWith("/api/v1/workspaces/w1/members")) return json(200, page([member("u1", "ana@example.com", "owner"), member("u2", "bo@example.com", "admin")]));
      if (url.startsWith("/api/v1/audit")) {
        const parsed = new URL(url, "http://x");
        auditUrls.push(parsed);
        return json(200, parsed.searchParams.get("action") === "export." ? page([]) : { ...page(entries), total: 120, limit: 50 });
      }
      return json(404, { status_code: 404, detail: `unexpected ${url}` });
    }),
  );
  return render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <MemoryRouter initialEntries={["/audit"]}>
        <AuthProvider>
          <ToastProvider>
            <WhenSignedIn />
          </ToastProvider>
        </AuthProvider>
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

/** The app's layout shows pages once the user is known; so does this. */
function WhenSignedIn() {
  const { me } = useAuth();
  return me ? <AuditPage /> : null;
}

beforeEach(() => {
  localStorage.clear();
  localStorage.setItem("sellpilot.tokens", JSON.stringify({ access: "a", refresh: "r" }));
});

describe("audit page", () => {
  it("shows who did what, to what and when, in words", async () => {
    renderAudit("owner", [entry("e1", "members.role_changed"), entry("e2", "auth.sign_in_failed", { actor_id: null, actor_email: "", details: {}, ip: null })]);
    const [changed, failed] = (await screen.findAllByTestId("audit-row")) as [HTMLElement, HTMLElement];
    expect(within(changed).getByText("Changed a member's role")).toBeInTheDocument();
    expect(within(changed).getByText("bo@example.com")).toBeInTheDocument();
    expect(within(changed).getByText("user 6f1c1a2b")).toBeInTheDocument();
    expect(within(changed).getByText(/role: admin/)).toBeInTheDocument();
    expect(within(changed).getByText(zonedTime("2026-11-30T10:00:00Z"))).toBeInTheDocument();
    expect(within(failed).getByText("System")).toBeInTheDocument();
    expect(within(failed).getByText("Failed to sign in")).toBeInTheDocument();
    expect(screen.getByText("1–50 of 120")).toBeInTheDocument();
  });

  it("asks the API again with each filter and page, and explains an empty result", async () => {
    const u = userEvent.setup();
    renderAudit("admin", [entry("e1", "auth.sign_in")]);
    await screen.findAllByTestId("audit-row");
    expect(Object.fromEntries(auditUrls.at(-1)!.searchParams)).toEqual({ limit: "50", offset: "0" });

    await u.selectOptions(screen.getByLabelText("Action"), "Sign-in and sessions");
    await waitFor(() => expect(auditUrls.at(-1)!.searchParams.get("action")).toBe("auth."));

    await waitFor(() => expect(within(screen.getByLabelText("Who")).getAllByRole("option")).toHaveLength(3));
    await u.selectOptions(screen.getByLabelText("Who"), "bo@example.com");
    await waitFor(() => expect(auditUrls.at(-1)!.searchParams.get("actor")).toBe("u2"));
    expect(auditUrls.at(-1)!.searchParams.get("action")).toBe("auth.");

    const before = Date.now();
    await u.selectOptions(screen.getByLabelText("Period"), "Last 7 days");
    await waitFor(() => expect(auditUrls.at(-1)!.searchParams.get("since")).not.toBeNull());
    const since = new Date(auditUrls.at(-1)!.searchParams.get("since")!).getTime();
    expect(before - since).toBeGreaterThan(7 * 86_400_000 - 120_000);
    expect(before - since).toBeLessThan(7 * 86_400_000 + 120_000);

    await u.click(screen.getByRole("button", { name: "Next" }));
    await waitFor(() => expect(auditUrls.at(-1)!.searchParams.get("offset")).toBe("50"));
    expect(auditUrls.at(-1)!.searchParams.get("actor")).toBe("u2");

    // A new filter starts again at the first page.
    await u.selectOptions(screen.getByLabelText("Action"), "Exports");
    await waitFor(() => expect(auditUrls.at(-1)!.searchParams.get("action")).toBe("export."));
    expect(auditUrls.at(-1)!.searchParams.get("offset")).toBe("0");
    expect(await screen.findByText("Nothing matches these filters")).toBeInTheDocument();
  });

  it("tells a member the log is for owners and admins, without asking for it", async () => {
    renderAudit("member", []);
    expect(await screen.findByText("Only owners and admins read the audit log")).toBeInTheDocument();
    expect(auditUrls).toEqual([]);
  });
});

describe("audit words", () => {
  it("reads known actions in words and any other one readably", () => {
    expect(actionWords("auth.sign_in")).toBe("Signed in");
    expect(actionWords("export.dataset_zip")).toBe("Export: dataset zip");
    expect(actionWords("maintenance")).toBe("Maintenance");
    expect(targetText("account:6f1c1a2b-0000-4000-8000-000000000001")).toBe("account 6f1c1a2b");
    expect(targetText("Spring sale")).toBe("Spring sale");
  });

  it("keeps the same period start within a minute, so the query does not change on every render", () => {
    const f = { group: "", actor: "", period: "24h", offset: 0 };
    const a = auditQuery(f, new Date("2026-12-01T12:00:05Z"));
    const b = auditQuery(f, new Date("2026-12-01T12:00:55Z"));
    expect(a).toEqual(b);
    expect(a.since).toBe("2026-11-30T12:00:00.000Z");
    expect(auditQuery({ ...f, period: "" }, new Date()).since).toBeUndefined();
  });
});

describe("deployment-wide audit log (console)", () => {
  it("says where each action happened and filters by workspace", async () => {
    const urls: URL[] = [];
    vi.stubGlobal(
      "fetch",
      vi.fn(async (input: RequestInfo | URL) => {
        const url = new URL(String(input), "http://x");
        if (url.pathname === "/api/v1/admin/workspaces") return json(200, page([{ id: "w1", name: "Ana's shop", is_personal: true, created_at: "2026-01-01T00:00:00Z", created_by_email: null, members: 1 }]));
        if (url.pathname === "/api/v1/admin/audit") {
          urls.push(url);
          return json(200, page([entry("e1", "admin.user_disabled", { workspace_id: null, actor_email: "root@example.com" }), entry("e2", "auth.sign_in")]));
        }
        return json(404, { status_code: 404, detail: `unexpected ${url}` });
      }),
    );
    const u = userEvent.setup();
    renderAt("/admin/audit", "/admin/audit", <AdminAuditPage />);
    const [disabled, signIn] = (await screen.findAllByTestId("audit-row")) as [HTMLElement, HTMLElement];
    expect(within(disabled).getByText("Deployment")).toBeInTheDocument();
    expect(within(disabled).getByText("A superuser disabled a user")).toBeInTheDocument();
    expect(await within(signIn).findByRole("link", { name: "Ana's shop" })).toHaveAttribute("href", "/admin/workspaces/w1");
    await u.selectOptions(screen.getByLabelText("Workspace"), "Ana's shop");
    await waitFor(() => expect(urls.at(-1)!.searchParams.get("workspace")).toBe("w1"));
  });
});
