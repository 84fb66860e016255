import { beforeEach, describe, expect, it, vi } from "vitest";
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { CollectionPage } from "../src/pages/Collection";
import { NewCollectionPage } from "../src/pages/Collections";
import type { Collection } from "../src/api/collect";
import { COLLECTION, PROGRESS, image } from "./collect-fixtures";
import { json, page, renderAt, type Call } from "./helpers";

let calls: Call[];
type Handler = (method: string, url: string, body: unknown) => Response | undefined;

function stubFetch(handler: Handler) {
  calls = [];
  vi.stubGlobal(
    "fetch",
    vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
      const url = String(input);
      const method = init?.method ?? "GET";
      const body = typeof init?.body === "string" ? JSON.parse(init.body) : undefined;
      calls.push({ method, url, body });
      return handler(method, url, body) ?? json(404, { status_code: 404, detail: `unexpected ${method} ${url}` });
    }),
  );
}

/** No live stream in these tests: the stream never opens. */
class SilentEventSource {
  static CLOSED = 2;
  readyState = 0;
  onerror = null;
  addEventListener() {}
  close() {}
}

beforeEach(() => {
  localStorage.clear();
  localStorage.setItem("sellpilot.tokens", JSON.stringify({ access: "a", refresh: "r" }));
  vi.stubGlobal("EventSource", SilentEventSource);
});

const RUNNING: Collection = { ...COLLECTION, status: "running", job_id: "j1", kept: 6, board_id: "b1", started_at: "2026-12-01T01:00:00Z" };
const IMAGES = [
  image(1, { status: "approved", score: 0.91 }),
  image(2, { score: 0.42, status: "pending" }),
  image(3, { status: "pending" }),
  image(4, { status: "duplicate", reason: "Same picture as Dress 1", duplicate_of: "i1" }),
];

function collectionApi(collection = RUNNING): Handler {
  return (method, url, body) => {
    if (url === "/api/v1/events/token") return json(200, { token: "t", expires_in: 60 });
    if (url === "/api/v1/collections/k1") return json(200, collection);
    if (url.startsWith("/api/v1/collections/k1/progress")) return json(200, { ...PROGRESS, status: collection.status });
    if (url.startsWith("/api/v1/jobs/j1/items"))
      return json(200, page([{ key: "warmup:board", label: "", status: "done", error: null, created_at: "", result: { type: "warmup_step", step: "board", detail: "Board ready" } }]));
    if (method === "GET" && url.startsWith("/api/v1/collections/k1/images")) {
      const status = new URL(url, "http://x").searchParams.get("status");
      return json(200, page(status ? IMAGES.filter((i) => i.status === status) : IMAGES));
    }
    const override = /\/collections\/k1\/images\/(i\d)$/.exec(url);
    if (method === "PATCH" && override) {
      const found = IMAGES.find((i) => i.id === override[1])!;
      return json(200, { ...found, status: (body as { status: string }).status, overridden: true });
    }
    if (method === "POST" && url === "/api/v1/collections/k1/stop") return json(200, { ...collection, status: "stopped" });
    if (method === "POST" && url === "/api/v1/collections/k1/validate") return json(200, collection);
    return undefined;
  };
}

describe("collection page", () => {
  it("shows status, counters, warm-up and the gallery with scores and duplicate markers; stops the crawl", async () => {
    const user = userEvent.setup();
    stubFetch(collectionApi());
    renderAt("/collections/k1", "/collections/:id", <CollectionPage />);
    const cards = await screen.findAllByTestId("gallery-image");
    expect(cards).toHaveLength(4);
    expect(within(cards[0]!).getByTestId("score-badge")).toHaveTextContent("0.91");
    expect(within(cards[2]!).getByTestId("score-badge")).toHaveTextContent("—");
    expect(within(cards[3]!).getByTestId("duplicate-marker")).toBeInTheDocument();
    expect(within(cards[3]!).queryByRole("button", { name: "Approve" })).toBeNull();
    expect(within(cards[1]!).getByRole("link", { name: "Source" })).toHaveAttribute("href", "http://127.0.0.1:9/item/2");
    expect(screen.getByTestId("keyboard-hint")).toHaveTextContent("A approve");
    expect(screen.getByTestId("kept-text")).toHaveTextContent("6 of 50 images kept");
    expect(await screen.findByTestId("chunk-counts")).toHaveTextContent("1 done · 1 failed · 1 running · 1 waiting");
    expect(screen.getByTestId("count-duplicates")).toHaveTextContent("2");
    await waitFor(() => expect(screen.getByTestId("warmup-board")).toHaveAttribute("data-done", "true"));
    expect(screen.getByTestId("warmup-ideas")).toHaveAttribute("data-done", "false");
    expect(screen.queryByRole("button", { name: "Start" })).toBeNull();
    expect(screen.getByRole("button", { name: "Validate again…" })).toBeDisabled();

    await user.click(screen.getByRole("button", { name: "Stop" }));
    await waitFor(() => expect(calls.some((c) => c.method === "POST" && c.url === "/api/v1/collections/k1/stop")).toBe(true));
  });

  it("moves with the arrow keys and approves or disqualifies with A and D; Space selects for a bulk approval", async () => {
    const user = userEvent.setup();
    stubFetch(collectionApi());
    renderAt("/collections/k1", "/collections/:id", <CollectionPage />);
    const cards = await screen.findAllByTestId("gallery-image");
    cards[0]!.focus();
    await user.keyboard("{ArrowRight}");
    expect(cards[1]).toHaveFocus();
    await user.keyboard("d");
    await waitFor(() => expect(calls.find((c) => c.method === "PATCH")).toMatchObject({ url: "/api/v1/collections/k1/images/i2", body: { status: "disqualified" } }));
    // the decision moves on to the next image
    expect(cards[2]).toHaveFocus();
    await user.keyboard("a");
    await waitFor(() => expect(calls.filter((c) => c.method === "PATCH")).toHaveLength(2));
    expect(calls.filter((c) => c.method === "PATCH")[1]).toMatchObject({ url: "/api/v1/collections/k1/images/i3", body: { status: "approved" } });
    // A duplicate cannot be decided: A does nothing there.
    expect(cards[3]).toHaveFocus();
    await user.keyboard("a");
    expect(calls.filter((c) => c.method === "PATCH")).toHaveLength(2);

    await user.keyboard("{ArrowLeft}{ArrowLeft}{ArrowLeft}");
    expect(cards[0]).toHaveFocus();
    await user.keyboard(" {ArrowRight} ");
    expect(screen.getByTestId("selected-count")).toHaveTextContent("2 selected");
    await user.click(screen.getByRole("button", { name: "Approve selected" }));
    await waitFor(() => expect(calls.filter((c) => c.method === "PATCH")).toHaveLength(4));
    expect(calls.filter((c) => c.method === "PATCH").slice(2).map((c) => [c.url.split("/").pop(), (c.body as { status: string }).status])).toEqual([
      ["i1", "approved"],
      ["i2", "approved"],
    ]);
    await waitFor(() => expect(screen.queryByTestId("selected-count")).toBeNull());
  });

  it("filters by status and validates a stopped collection again at another level", async () => {
    const user = userEvent.setup();
    stubFetch(collectionApi({ ...RUNNING, status: "stopped" }));
    renderAt("/collections/k1", "/collections/:id", <CollectionPage />);
    await screen.findAllByTestId("gallery-image");
    await user.click(screen.getByRole("tab", { name: /approved/ }));
    await waitFor(() => expect(screen.getAllByTestId("gallery-image")).toHaveLength(1));
    expect(calls.some((c) => c.url.includes("/images?status=approved"))).toBe(true);
    expect(screen.getByRole("button", { name: "Continue" })).toBeInTheDocument();

    await user.click(screen.getByRole("button", { name: "Validate again…" }));
    const dialog = screen.getByRole("dialog", { name: "Validate again" });
    await user.click(within(dialog).getByRole("radio", { name: /Thorough/ }));
    await user.click(within(dialog).getByRole("button", { name: "Validate" }));
    await waitFor(() => expect(calls.find((c) => c.url.endsWith("/validate"))?.body).toEqual({ level: "thorough", threshold: null }));
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
  });
});

describe("new collection", () => {
  it("shows the API's refusal next to the field it names", async () => {
    const user = userEvent.setup();
    stubFetch((method, url) => {
      if (url.startsWith("/api/v1/projects")) return json(200, page([{ id: "p1", name: "Dresses", description: "", collections: 0, created_at: "", updated_at: "" }]));
      if (url.startsWith("/api/v1/accounts"))
        return json(200, page([{ id: "a1", label: "Pins", login: "pins", platform: "pinterest", platform_title: "Pinterest", driver_verified: false, status: "active" }]));
      if (method === "POST" && url === "/api/v1/collections") return json(400, { status_code: 400, detail: "sources: pinterest accounts cannot crawl board_ideas (board_ideas)" });
      return undefined;
    });
    renderAt("/collections/new?project=p1", "/collections/new", <NewCollectionPage />);
    await user.type(screen.getByLabelText("Name"), "Linen");
    await user.type(screen.getByLabelText("Keywords"), "linen dress{Enter}");
    expect(screen.getByRole("button", { name: "Remove linen dress" })).toBeInTheDocument();
    const account = screen.getByLabelText("Account that collects");
    await waitFor(() => expect(within(account).getByRole("option", { name: "Pins (Pinterest, driver not verified)" })).toBeInTheDocument());
    await user.selectOptions(account, "a1");
    expect(screen.getByText(/driver has not been verified/)).toBeInTheDocument();
    await user.click(screen.getByRole("checkbox", { name: "Board ideas" }));
    await user.click(screen.getByRole("button", { name: "Create collection" }));
    expect(await screen.findByText("Pinterest accounts cannot crawl board_ideas (board_ideas)")).toBeInTheDocument();
    const sent = calls.find((c) => c.method === "POST")!.body as Record<string, unknown>;
    expect(sent).toMatchObject({ project_id: "p1", name: "Linen", keywords: ["linen dress"], account_id: "a1", sources: ["feed_search", "board_ideas"], max_images: 100 });
  });
});
