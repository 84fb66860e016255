/** Live updates: a rule's run or an inbox job on the workspace stream refetches the automation and inbox views. */
import { beforeEach, describe, expect, it, vi } from "vitest";
import { act, renderHook, waitFor } from "@testing-library/react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { api } from "../src/api/endpoints";
import { queriesChangedBy, useWorkspaceEvents } from "../src/lib/events";
import { kindLabel } from "../src/lib/jobs";
import type { JobEventData } from "../src/lib/progress";
import { json } from "./helpers";

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

const event = (kind: string, type: JobEventData["type"], status: JobEventData["status"]): JobEventData => ({
  type,
  job_id: "j1",
  kind,
  status,
  total: 1,
  done: 1,
  failed: 0,
  progress: 1,
  at: "2026-12-01T10:00:00Z",
  payload: {},
});

describe("automation live updates", () => {
  beforeEach(() => {
    FakeEventSource.all = [];
    vi.stubGlobal("EventSource", FakeEventSource);
    api.store.set({ access: "a", refresh: "r" });
    vi.stubGlobal(
      "fetch",
      vi.fn(async () => json(201, { token: "t1", expires_in: 120 })),
    );
  });

  it("names the jobs and the views they change", () => {
    expect(queriesChangedBy("automation.run")).toEqual(["automation", "listings", "accounts", "inbox"]);
    expect(queriesChangedBy("inbox.sync")).toEqual(["inbox"]);
    expect(queriesChangedBy("inbox.reply")).toEqual(["inbox"]);
    expect([kindLabel("automation.run"), kindLabel("inbox.sync"), kindLabel("inbox.reply")]).toEqual(["Automation run", "Sync inbox", "Send reply"]);
  });

  it("a finished rule run marks the rules and runs stale; an inbox sync the conversations", async () => {
    const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false, staleTime: Infinity } } });
    const keys = [["automation", "rules", "list"], ["automation", "runs", {}], ["inbox", "list", {}], ["settings"]];
    for (const key of keys) queryClient.setQueryData(key, { items: [] });
    const stale = () => keys.filter((key) => queryClient.getQueryState(key)?.isInvalidated).map((key) => key[0]);
    const wrapper = ({ children }: { children: ReactNode }) => <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>;
    renderHook(() => useWorkspaceEvents(true), { wrapper });
    await waitFor(() => expect(FakeEventSource.all).toHaveLength(1));
    const stream = FakeEventSource.all[0]!;

    act(() => stream.emit("1-0", event("inbox.sync", "job.succeeded", "succeeded")));
    await waitFor(() => expect(stale()).toEqual(["inbox"]));
    act(() => stream.emit("2-0", event("automation.run", "job.item", "running")));
    await waitFor(() => expect(stale()).toEqual(["automation", "automation", "inbox"]));
  });
});
