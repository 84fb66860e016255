/**
 * A job paused because its platform account needs a person: the list and the job card
 * show it with the reason and a link to resume the account, the link lands on that
 * account's row, and a `job.resumed` from the stream brings the job back.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { act, render, renderHook, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { MemoryRouter, Route, Routes } from "react-router";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { JobRow } from "../src/components/jobs";
import { JobProgress, JobProgressView } from "../src/components/JobProgress";
import { ToastProvider } from "../src/components/toast";
import { AccountsPage } from "../src/pages/Platforms";
import { api, type Job } from "../src/api/endpoints";
import { useWorkspaceEvents } from "../src/lib/events";
import type { JobEventData } from "../src/lib/progress";

const REASON = "The sandbox marketplace asks for a captcha: solve it there, then resume the account.";
const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
const page = (items: unknown[]) => ({ items, total: items.length, limit: 100, offset: 0 });

const PAUSED: Job = {
  id: "j1",
  workspace_id: "w1",
  kind: "listings.publish",
  status: "paused",
  total: 1,
  done: 0,
  failed: 0,
  progress: 0,
  attempts: 0,
  max_attempts: 3,
  error: REASON,
  result: null,
  parent_id: null,
  idempotency_key: null,
  account_id: "a1",
  listing_id: "l1",
  created_at: "2026-11-30T10:00:00Z",
  started_at: "2026-11-30T10:00:01Z",
  finished_at: null,
};

const ACCOUNT = {
  id: "a1",
  platform: "sandbox",
  platform_title: "Sandbox marketplace",
  driver_verified: true,
  login: "olive",
  label: "Challenged shop",
  tags: [],
  status: "needs_attention",
  status_reason: REASON,
  proxy_id: null,
  profile_id: null,
  daily_action_cap: 40,
  actions_today: 1,
  cooldown_until: null,
  last_used_at: null,
  last_login_at: null,
  has_password: true,
  has_cookies: false,
  created_at: "2026-01-01T00:00:00Z",
  updated_at: "2026-01-01T00:00:00Z",
};
const OTHER = { ...ACCOUNT, id: "a2", login: "mark", label: "Second shop", status: "active", status_reason: "" };

const event = (type: JobEventData["type"], status: JobEventData["status"], payload: Record<string, unknown> = {}): JobEventData => ({
  type,
  job_id: "j1",
  kind: "listings.publish",
  status,
  total: 1,
  done: 0,
  failed: 0,
  progress: 0,
  at: "2026-11-30T10:00:02Z",
  payload,
});

/** A stand-in EventSource the test drives: `emit` delivers one named event, as the server's stream would. */
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

function wrapper(queryClient: QueryClient, entries = ["/"]) {
  return ({ children }: { children: ReactNode }) => (
    <QueryClientProvider client={queryClient}>
      <MemoryRouter initialEntries={entries}>
        <ToastProvider>{children}</ToastProvider>
      </MemoryRouter>
    </QueryClientProvider>
  );
}

describe("a paused job in the job list and the job card", () => {
  it("a row shows the paused badge, the reason and a link to resume its account", () => {
    render(
      <MemoryRouter>
        <ul>
          <JobRow job={PAUSED} />
        </ul>
      </MemoryRouter>,
    );
    const row = screen.getByTestId("job-row");
    expect(within(row).getByTestId("job-status")).toHaveTextContent("paused");
    expect(within(row).getByTestId("job-paused-note")).toHaveTextContent(REASON);
    expect(within(row).getByRole("link", { name: "Resume account" })).toHaveAttribute("href", "/accounts#account-a1");
  });

  it("a row of a running job has no paused note", () => {
    render(
      <MemoryRouter>
        <ul>
          <JobRow job={{ ...PAUSED, status: "running", error: null }} />
        </ul>
      </MemoryRouter>,
    );
    expect(screen.queryByTestId("job-paused-note")).not.toBeInTheDocument();
    expect(screen.queryByRole("link", { name: "Resume account" })).not.toBeInTheDocument();
  });

  it("the job card says it waits for a person, with the reason and the account's resume link", () => {
    render(
      <MemoryRouter>
        <JobProgressView title="Publishing" job={PAUSED} pausedReason={REASON} record={PAUSED} />
      </MemoryRouter>,
    );
    expect(screen.getByTestId("job-status")).toHaveTextContent("paused");
    const box = screen.getByTestId("job-paused");
    expect(box).toHaveTextContent("Paused: waiting for you");
    expect(box).toHaveTextContent(REASON);
    expect(within(box).getByRole("link", { name: "Resume account" })).toHaveAttribute("href", "/accounts#account-a1");
    expect(screen.queryByRole("alert")).not.toBeInTheDocument(); // a pause is not shown as an error
  });
});

describe("resuming from a paused job", () => {
  beforeEach(() => {
    localStorage.clear();
    FakeEventSource.all = [];
    vi.stubGlobal("EventSource", FakeEventSource);
    api.store.set({ access: "a", refresh: "r" });
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    delete (Element.prototype as Partial<Element>).scrollIntoView; // jsdom has none; one test stands one in
  });

  it("the link lands on the account's own row, where Resume is", async () => {
    vi.stubGlobal(
      "fetch",
      vi.fn(async (input: RequestInfo | URL) => {
        const url = String(input);
        if (url.startsWith("/api/v1/accounts/platforms")) return json(200, [{ name: "sandbox", title: "Sandbox marketplace", driver_verified: true }]);
        if (url.startsWith("/api/v1/accounts")) return json(200, page([OTHER, ACCOUNT]));
        if (url.startsWith("/api/v1/proxies") || url.startsWith("/api/v1/profiles")) return json(200, page([]));
        return json(404, { status_code: 404, detail: `unexpected ${url}` });
      }),
    );
    const scrolled: Element[] = [];
    Element.prototype.scrollIntoView = function (this: Element) {
      scrolled.push(this);
    };
    const user = userEvent.setup();
    const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    render(
      <Routes>
        <Route
          path="/jobs"
          element={
            <ul>
              <JobRow job={PAUSED} />
            </ul>
          }
        />
        <Route path="/accounts" element={<AccountsPage />} />
      </Routes>,
      { wrapper: wrapper(queryClient, ["/jobs"]) },
    );
    await user.click(screen.getByRole("link", { name: "Resume account" }));
    await waitFor(() => expect(screen.getAllByTestId("account-row")).toHaveLength(2));
    const target = screen.getAllByTestId("account-row").find((row) => row.getAttribute("aria-current") === "location");
    expect(target).toHaveTextContent("Challenged shop");
    expect(target).toHaveAttribute("id", "account-a1");
    expect(within(target!).getByRole("button", { name: "Resume" })).toBeInTheDocument();
    expect(scrolled).toEqual([target]);
    const other = screen.getAllByTestId("account-row").find((row) => row !== target);
    expect(other).not.toHaveAttribute("aria-current");
  });

  it("the live job card parks on job.paused and goes back to work on job.resumed", async () => {
    let record: Job = { ...PAUSED, status: "running", error: null };
    vi.stubGlobal(
      "fetch",
      vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
        const url = String(input);
        if (init?.method === "POST" && url === "/api/v1/events/token") return json(201, { token: "t1", expires_in: 120 });
        if (url === "/api/v1/jobs/j1") return json(200, record);
        return json(404, { status_code: 404, detail: `unexpected ${url}` });
      }),
    );
    const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    render(<JobProgress jobId="j1" title="Publishing" />, { wrapper: wrapper(queryClient) });
    await waitFor(() => expect(FakeEventSource.all).toHaveLength(1));
    const stream = FakeEventSource.all[0]!;
    expect(stream.url).toBe("/api/v1/jobs/j1/events?token=t1");
    act(() => stream.emit("1-0", event("job.snapshot", "running")));
    expect(await screen.findByTestId("job-status")).toHaveTextContent("running");

    record = { ...PAUSED };
    act(() => stream.emit("2-0", event("job.paused", "paused", { reason: REASON })));
    expect(screen.getByTestId("job-status")).toHaveTextContent("paused");
    expect(screen.getByTestId("job-paused")).toHaveTextContent(REASON);
    expect(await within(screen.getByTestId("job-paused")).findByRole("link", { name: "Resume account" })).toHaveAttribute("href", "/accounts#account-a1");
    expect(stream.readyState).toBe(FakeEventSource.OPEN); // a pause is not the end: the stream waits for the resume

    record = { ...PAUSED, status: "pending", error: null };
    act(() => stream.emit("3-0", event("job.resumed", "pending")));
    expect(screen.getByTestId("job-status")).toHaveTextContent("waiting to start");
    expect(screen.queryByTestId("job-paused")).not.toBeInTheDocument();
    act(() => stream.emit("4-0", event("job.started", "running", { attempt: 1 })));
    expect(screen.getByTestId("job-status")).toHaveTextContent("running");
  });

  it("the workspace stream marks a listed job paused with its reason, and a resume clears it", async () => {
    vi.stubGlobal(
      "fetch",
      vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
        if (init?.method === "POST" && String(input) === "/api/v1/events/token") return json(201, { token: "t1", expires_in: 120 });
        return json(200, page([]));
      }),
    );
    const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false, staleTime: Infinity } } });
    const listKey = ["jobs", "list", { status: "", limit: 25, offset: 0 }];
    queryClient.setQueryData(listKey, page([{ ...PAUSED, status: "running", error: null }]));
    queryClient.setQueryData(["jobs", "one", "j1"], { ...PAUSED, status: "running", error: null });
    const listed = () => queryClient.getQueryData<{ items: Job[] }>(listKey)!.items[0]!;
    renderHook(() => useWorkspaceEvents(true), { wrapper: wrapper(queryClient) });
    await waitFor(() => expect(FakeEventSource.all).toHaveLength(1));
    const stream = FakeEventSource.all[0]!;
    expect(stream.url).toBe("/api/v1/events?token=t1");

    act(() => stream.emit("1-0", event("job.paused", "paused", { reason: REASON })));
    expect(listed()).toMatchObject({ status: "paused", error: REASON });
    expect(queryClient.getQueryData<Job>(["jobs", "one", "j1"])).toMatchObject({ status: "paused", error: REASON });

    act(() => stream.emit("2-0", event("job.resumed", "pending")));
    expect(listed()).toMatchObject({ status: "pending", error: null });
  });
});
