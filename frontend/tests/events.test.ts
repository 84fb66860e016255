import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { openEventStream } from "../src/lib/events";
import { api } from "../src/api/endpoints";

class FakeEventSource {
  static CONNECTING = 0;
  static OPEN = 1;
  static CLOSED = 2;
  static all: FakeEventSource[] = [];
  readyState = FakeEventSource.CONNECTING;
  onerror: (() => void) | null = null;
  listeners = new Map<string, ((e: MessageEvent) => void)[]>();
  closed = false;
  constructor(public url: string) {
    FakeEventSource.all.push(this);
  }
  addEventListener(type: string, fn: (e: MessageEvent) => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), fn]);
  }
  close() {
    this.closed = true;
    this.readyState = FakeEventSource.CLOSED;
  }
  emit(type: string, id: string, data: object) {
    for (const fn of this.listeners.get(type) ?? []) fn(new MessageEvent(type, { data: JSON.stringify(data), lastEventId: id }));
  }
}

const event = (type: string, status = "running") => ({ type, job_id: "j1", kind: "k", status, total: 1, done: 0, failed: 0, progress: 0, at: "" });

describe("openEventStream", () => {
  let tokens = 0;
  beforeEach(() => {
    FakeEventSource.all = [];
    tokens = 0;
    vi.useFakeTimers();
    vi.stubGlobal("EventSource", FakeEventSource);
    api.store.set({ access: "a", refresh: "r" });
    vi.stubGlobal(
      "fetch",
      vi.fn(async () => new Response(JSON.stringify({ token: `t${++tokens}`, expires_in: 120 }), { status: 201, headers: { "Content-Type": "application/json" } })),
    );
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it("authenticates with a stream token, delivers events, stops on the final one", async () => {
    const seen: string[] = [];
    let done = false;
    openEventStream({
      path: "/jobs/j1/events",
      onEvent: (id, data) => {
        seen.push(`${id}:${data.type}`);
        if (data.status === "succeeded") done = true;
      },
      shouldStop: () => done,
    });
    await vi.waitFor(() => expect(FakeEventSource.all).toHaveLength(1));
    const es = FakeEventSource.all[0]!;
    expect(es.url).toBe("/api/v1/jobs/j1/events?token=t1");
    es.emit("job.snapshot", "1-0", event("job.snapshot", "pending"));
    es.emit("job.progress", "2-0", event("job.progress"));
    es.emit("job.succeeded", "3-0", event("job.succeeded", "succeeded"));
    expect(seen).toEqual(["1-0:job.snapshot", "2-0:job.progress", "3-0:job.succeeded"]);
    expect(es.closed).toBe(true);
  });

  it("gets a new token and reopens when the server refuses a reconnect", async () => {
    const close = openEventStream({ path: "/events", onEvent: () => undefined });
    await vi.waitFor(() => expect(FakeEventSource.all).toHaveLength(1));
    const first = FakeEventSource.all[0]!;
    first.readyState = FakeEventSource.CLOSED; // e.g. 401: the token expired
    first.onerror?.();
    await vi.advanceTimersByTimeAsync(1500);
    await vi.waitFor(() => expect(FakeEventSource.all).toHaveLength(2));
    expect(FakeEventSource.all[1]!.url).toBe("/api/v1/events?token=t2");
    close();
    expect(FakeEventSource.all[1]!.closed).toBe(true);
  });

  it("leaves reconnecting to the browser while it is still trying", async () => {
    const close = openEventStream({ path: "/events", onEvent: () => undefined });
    await vi.waitFor(() => expect(FakeEventSource.all).toHaveLength(1));
    FakeEventSource.all[0]!.onerror?.(); // CONNECTING: EventSource retries with Last-Event-ID itself
    await vi.advanceTimersByTimeAsync(5000);
    expect(FakeEventSource.all).toHaveLength(1);
    close();
  });
});
