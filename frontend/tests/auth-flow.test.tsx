import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { MemoryRouter, useLocation } from "react-router";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { App } from "../src/App";
import { AuthProvider } from "../src/lib/auth";
import { ToastProvider } from "../src/components/toast";

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });

const ME = {
  user: { id: "u1", email: "jane@example.com", full_name: "Jane", is_superuser: false, created_at: "2026-01-01T00:00:00Z" },
  workspace: { id: "w1", name: "Jane's shop", is_personal: true, role: "owner", paused: false, created_at: "2026-01-01T00:00:00Z" },
};

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

function Where() {
  const location = useLocation();
  return <output data-testid="location">{location.pathname}</output>;
}

function renderApp(path: string) {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    <QueryClientProvider client={queryClient}>
      <MemoryRouter initialEntries={[path]}>
        <ToastProvider>
          <AuthProvider>
            <App />
            <Where />
          </AuthProvider>
        </ToastProvider>
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

describe("auth flow", () => {
  let fetchMock: ReturnType<typeof vi.fn>;

  beforeEach(() => {
    localStorage.clear();
    vi.stubGlobal("EventSource", FakeEventSource);
    fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
      const url = String(input);
      const method = init?.method ?? "GET";
      if (url === "/api/v1/auth/login" && method === "POST") {
        const body = JSON.parse(String(init?.body)) as { password: string };
        if (body.password !== "a long password") return json(401, { status_code: 401, detail: "Wrong email or password" });
        return json(200, { access_token: "acc-1", refresh_token: "ref-1", token_type: "bearer", expires_in: 900, workspace_id: "w1" });
      }
      if (url === "/api/v1/auth/me") return json(200, ME);
      if (url.startsWith("/api/v1/listings/categories")) return json(200, ["Tops"]);
      if (url.startsWith("/api/v1/listings")) return json(200, { items: [], total: 0, limit: 24, offset: 0 });
      if (url.startsWith("/api/v1/workspaces")) return json(200, { items: [ME.workspace], total: 1, limit: 100, offset: 0 });
      if (url === "/api/v1/events/token") return json(201, { token: "st", expires_in: 120 });
      return json(404, { status_code: 404, detail: "Not found" });
    });
    vi.stubGlobal("fetch", fetchMock);
  });

  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it("sends a logged-out visitor to the login page", async () => {
    renderApp("/drafts");
    expect(await screen.findByRole("heading", { name: "Log in" })).toBeInTheDocument();
    expect(screen.getByTestId("location")).toHaveTextContent("/login");
  });

  it("shows the API's error on a wrong password and stores nothing", async () => {
    const user = userEvent.setup();
    renderApp("/login");
    await user.type(screen.getByLabelText("Email"), "jane@example.com");
    await user.type(screen.getByLabelText("Password"), "wrong password");
    await user.click(screen.getByRole("button", { name: "Log in" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("Wrong email or password");
    expect(localStorage.getItem("sellpilot.tokens")).toBeNull();
  });

  it("logs in: tokens stored, redirected where the user was going", async () => {
    const user = userEvent.setup();
    renderApp("/login?next=%2Fdrafts");
    await user.type(screen.getByLabelText("Email"), "jane@example.com");
    await user.type(screen.getByLabelText("Password"), "a long password");
    await user.keyboard("{Enter}");
    expect(await screen.findByRole("heading", { name: "Drafts and listings" })).toBeInTheDocument();
    expect(screen.getByTestId("location")).toHaveTextContent("/drafts");
    expect(JSON.parse(localStorage.getItem("sellpilot.tokens")!)).toEqual({ access: "acc-1", refresh: "ref-1" });
    // Later calls carry the new access token.
    await waitFor(() => {
      const me = fetchMock.mock.calls.find(([url]) => String(url) === "/api/v1/auth/me");
      expect(new Headers((me![1] as RequestInit).headers).get("Authorization")).toBe("Bearer acc-1");
    });
  });

  it("never redirects to another site after login", async () => {
    const user = userEvent.setup();
    renderApp("/login?next=%2F%2Fevil.example");
    await user.type(screen.getByLabelText("Email"), "jane@example.com");
    await user.type(screen.getByLabelText("Password"), "a long password");
    await user.click(screen.getByRole("button", { name: "Log in" }));
    await waitFor(() => expect(screen.getByTestId("location")).toHaveTextContent(/^\/$/));
  });
});
