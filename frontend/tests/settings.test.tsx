import { beforeEach, describe, expect, it, vi } from "vitest";
import { render, screen, within } from "@testing-library/react";
import { MemoryRouter } from "react-router";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { SettingsPage } from "../src/pages/Settings";
import { AuthProvider, useAuth } from "../src/lib/auth";
import { ToastProvider } from "../src/components/toast";

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
const page = (items: unknown[]) => ({ items, total: items.length, limit: 100, offset: 0 });
const ME = {
  user: { id: "u1", email: "ana@example.com", full_name: "Ana Owner", is_superuser: false, created_at: "2026-01-01T00:00:00Z" },
  workspace: { id: "w1", name: "Ana's workspace", role: "owner", created_at: "2026-01-01T00:00:00Z" },
};
const member = (id: string, email: string, role: string, full_name = "") => ({ user_id: id, email, full_name, role, paused: false, joined_at: "2026-01-01T00:00:00Z" });

function renderSettings(members: unknown[]) {
  vi.stubGlobal(
    "fetch",
    vi.fn(async (input: RequestInfo | URL) => {
      const url = String(input);
      if (url.startsWith("/api/v1/auth/me")) return json(200, ME);
      if (url.startsWith("/api/v1/workspaces/w1/members")) return json(200, page(members));
      if (url.startsWith("/api/v1/workspaces/w1/invitations")) return json(200, page([]));
      return json(404, { status_code: 404, detail: `unexpected ${url}` });
    }),
  );
  return render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <MemoryRouter>
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
  return me ? <SettingsPage /> : null;
}

describe("settings members", () => {
  beforeEach(() => {
    localStorage.clear();
    localStorage.setItem("sellpilot.tokens", JSON.stringify({ access: "a", refresh: "r" }));
  });

  it("offers no Leave to the only owner, says why, and shows each email once", async () => {
    renderSettings([member("u1", "ana@example.com", "owner", "Ana Owner"), member("u2", "bo@example.com", "member")]);
    const rows = await screen.findAllByTestId("member-row");
    const [me, other] = rows as [HTMLElement, HTMLElement];
    expect(within(me).getByTestId("only-owner")).toHaveTextContent("You are the only owner");
    expect(within(me).queryByRole("button", { name: "Leave" })).not.toBeInTheDocument();
    expect(within(other).getByRole("button", { name: "Remove" })).toBeInTheDocument();
    // A member without a name: the email is the name line, not repeated below it.
    expect(within(other).getAllByText(/bo@example\.com/).filter((el) => el.tagName === "P")).toHaveLength(1);
    expect(within(me).getAllByText(/ana@example\.com/).filter((el) => el.tagName === "P")).toHaveLength(1);
  });

  it("lets an owner leave when another owner stays", async () => {
    renderSettings([member("u1", "ana@example.com", "owner", "Ana Owner"), member("u2", "bo@example.com", "owner")]);
    const [me] = (await screen.findAllByTestId("member-row")) as [HTMLElement];
    expect(within(me).getByRole("button", { name: "Leave" })).toBeInTheDocument();
    expect(within(me).queryByTestId("only-owner")).not.toBeInTheDocument();
  });
});

