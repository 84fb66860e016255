import { describe, expect, it, vi } from "vitest";
import { ApiClient, ApiError, errorMessage, memoryTokenStore, toApiError } from "../src/api/client";

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(body === undefined ? null : JSON.stringify(body), { status, headers: { "Content-Type": "application/json", ...headers } });

const pair = (n: number) => ({
  access_token: `access-${n}`,
  refresh_token: `refresh-${n}`,
  token_type: "bearer",
  expires_in: 900,
  workspace_id: "w1",
});

/** A fake API: access-N is valid only for the current N; refresh rotates. */
function fakeServer(options: { refreshFails?: boolean; refreshDelayMs?: number } = {}) {
  let generation = 1;
  const calls: { url: string; auth: string | null; body: string | null }[] = [];
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input);
    const headers = new Headers(init?.headers);
    calls.push({ url, auth: headers.get("Authorization"), body: typeof init?.body === "string" ? init.body : null });
    if (url.endsWith("/auth/refresh")) {
      if (options.refreshDelayMs) await new Promise((r) => setTimeout(r, options.refreshDelayMs));
      const sent = JSON.parse(String(init?.body)) as { refresh_token: string };
      if (options.refreshFails || sent.refresh_token !== `refresh-${generation}`) {
        return json(401, { status_code: 401, detail: "Refresh token is invalid or expired" });
      }
      generation += 1;
      return json(200, pair(generation));
    }
    if (headers.get("Authorization") !== `Bearer access-${generation}`) {
      return json(401, { status_code: 401, detail: "Token expired" });
    }
    return json(200, { ok: true, url });
  });
  return {
    fetchMock,
    calls,
    refreshCalls: () => calls.filter((c) => c.url.endsWith("/auth/refresh")).length,
  };
}

describe("ApiClient", () => {
  it("sends the bearer token and parses JSON", async () => {
    const server = fakeServer();
    const client = new ApiClient({ store: memoryTokenStore({ access: "access-1", refresh: "refresh-1" }), fetch: server.fetchMock });
    await expect(client.get("/jobs", { limit: 5, status: "", kind: undefined })).resolves.toEqual({ ok: true, url: "/api/v1/jobs?limit=5" });
    expect(server.calls[0]!.auth).toBe("Bearer access-1");
  });

  it("refreshes on 401, stores the rotated refresh token and replays the request", async () => {
    const server = fakeServer();
    const store = memoryTokenStore({ access: "stale", refresh: "refresh-1" });
    const client = new ApiClient({ store, fetch: server.fetchMock });
    await expect(client.get("/auth/me")).resolves.toMatchObject({ ok: true });
    expect(store.get()).toEqual({ access: "access-2", refresh: "refresh-2" });
    expect(server.refreshCalls()).toBe(1);
    expect(server.calls.map((c) => c.auth)).toEqual(["Bearer stale", null, "Bearer access-2"]);
  });

  it("shares one refresh among concurrent requests that hit 401", async () => {
    const server = fakeServer({ refreshDelayMs: 20 });
    const store = memoryTokenStore({ access: "stale", refresh: "refresh-1" });
    const client = new ApiClient({ store, fetch: server.fetchMock });
    const results = await Promise.all([client.get("/a"), client.get("/b"), client.get("/c"), client.post("/d", { x: 1 })]);
    expect(results).toHaveLength(4);
    expect(server.refreshCalls()).toBe(1);
    // Each request was replayed with the new token; the rotated refresh token is kept.
    expect(server.calls.filter((c) => c.auth === "Bearer access-2")).toHaveLength(4);
    expect(store.get()?.refresh).toBe("refresh-2");
  });

  it("a request that fails after another already refreshed reuses the new token", async () => {
    const server = fakeServer();
    const store = memoryTokenStore({ access: "stale", refresh: "refresh-1" });
    const client = new ApiClient({ store, fetch: server.fetchMock });
    await client.get("/first");
    // This one still carries the old token (as if sent before the refresh finished).
    store.set({ access: "stale", refresh: "refresh-2" });
    const originalGet = store.get;
    let firstRead = true;
    store.get = () => {
      if (firstRead) {
        firstRead = false;
        return { access: "stale", refresh: "refresh-2" };
      }
      return { access: "access-2", refresh: "refresh-2" };
    };
    await client.get("/second");
    store.get = originalGet;
    expect(server.refreshCalls()).toBe(1);
  });

  it("logs out when the refresh is refused", async () => {
    const server = fakeServer({ refreshFails: true });
    const store = memoryTokenStore({ access: "stale", refresh: "refresh-1" });
    const onLogout = vi.fn();
    const client = new ApiClient({ store, fetch: server.fetchMock, onLogout });
    const results = await Promise.allSettled([client.get("/a"), client.get("/b")]);
    for (const r of results) {
      expect(r.status).toBe("rejected");
      expect((r as PromiseRejectedResult).reason).toBeInstanceOf(ApiError);
      expect(((r as PromiseRejectedResult).reason as ApiError).status).toBe(401);
    }
    expect(server.refreshCalls()).toBe(1);
    expect(store.get()).toBeNull();
    expect(onLogout).toHaveBeenCalledTimes(1);
  });

  it("does not refresh for anonymous calls (login) and surfaces the API's detail", async () => {
    const fetchMock = vi.fn(async () => json(401, { status_code: 401, detail: "Wrong email or password" }));
    const client = new ApiClient({ store: memoryTokenStore(), fetch: fetchMock });
    await expect(client.post("/auth/login", { email: "a@b.c", password: "x" }, { anonymous: true })).rejects.toMatchObject({
      status: 401,
      detail: "Wrong email or password",
    });
    expect(fetchMock).toHaveBeenCalledTimes(1);
  });

  it("returns undefined for 204", async () => {
    const client = new ApiClient({ store: memoryTokenStore({ access: "a", refresh: "r" }), fetch: vi.fn(async () => new Response(null, { status: 204 })) });
    await expect(client.delete("/listings/1")).resolves.toBeUndefined();
  });
});

describe("error mapping", () => {
  it("uses detail and keeps extra", async () => {
    const error = await toApiError(json(400, { status_code: 400, detail: "body.price: Expected `float` >= 0", extra: [{ key: "price" }] }));
    expect(error.status).toBe(400);
    expect(error.message).toBe("body.price: Expected `float` >= 0");
    expect(error.extra).toEqual([{ key: "price" }]);
  });

  it("falls back to a readable message when the body is not JSON", async () => {
    const error = await toApiError(new Response("<html>Bad gateway</html>", { status: 502 }));
    expect(error.detail).toBe("The server is unreachable");
  });

  it("mentions Retry-After on 429", async () => {
    const error = await toApiError(json(429, { status_code: 429, detail: "Too many retries; slow down" }, { "Retry-After": "7" }));
    expect(error.detail).toBe("Too many retries; slow down (try again in 7 s)");
  });

  it("402 keeps the plan-limit message", async () => {
    const detail = "Plan limit reached: this batch needs 30 AI generations and 20 are left this month on the Free plan";
    expect((await toApiError(json(402, { status_code: 402, detail }))).detail).toBe(detail);
  });

  it("errorMessage handles network errors and others", () => {
    expect(errorMessage(new TypeError("Failed to fetch"))).toMatch(/Cannot reach the server/);
    expect(errorMessage(new ApiError(404, "Listing not found"))).toBe("Listing not found");
    expect(errorMessage("plain")).toBe("plain");
  });
});
