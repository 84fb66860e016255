import { beforeEach, describe, expect, it, vi } from "vitest";
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { MemoryRouter } from "react-router";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { AuthProvider, useAuth } from "../src/lib/auth";
import { ToastProvider } from "../src/components/toast";
import { CampaignsPage } from "../src/pages/Campaigns";
import { GenerateStep } from "../src/components/campaigns/GenerateStep";
import { ReviewGrid } from "../src/components/campaigns/ReviewGrid";
import type { Campaign, Post } from "../src/api/campaigns";
import { json, page, renderAt, type Call } from "./helpers";

const COUNTS = { total: 10, ready: 10, draft: 0, scheduled: 5, posting: 0, posted: 4, failed: 1, cancelled: 0, dropped: 0 };
const CAMPAIGN: Campaign = {
  id: "c1",
  name: "Winter drop",
  description: "Warm jackets",
  brand_name: "Acme",
  target_audience: "students",
  tone: "warm",
  status: "running",
  status_reason: "",
  targeting: { platforms: [], statuses: [], tags: [] },
  strategy: "round_robin",
  strategy_seed: null,
  schedule: { active_from: "00:00", active_to: "24:00", timezone: "UTC", spacing_minutes: 60, posts_per_account_per_day: 3, starts_at: null },
  job_id: null,
  posts: COUNTS,
  progress: 0.5,
  deleted: false,
  created_at: "2026-12-01T00:00:00Z",
  updated_at: "2026-12-01T00:00:00Z",
  started_at: "2026-12-01T01:00:00Z",
  completed_at: null,
};
const DRAFT: Campaign = { ...CAMPAIGN, id: "c2", name: "Spring teaser", status: "draft", posts: { ...COUNTS, total: 0, ready: 0, scheduled: 0, posted: 0, failed: 0 }, progress: 0 };
const POST: Post = {
  id: "p1",
  campaign_id: "c2",
  batch_id: "b1",
  position: 0,
  source: "generated",
  topic: "Jackets",
  brief: "",
  tone: "",
  audience: "",
  with_image: false,
  content_state: "ready",
  content_error: "",
  caption: "Stay warm this winter",
  media_ids: [],
  media_source: "none",
  status: "draft",
  account_id: null,
  account_label: "",
  platform: "",
  scheduled_at: null,
  job_id: null,
  posted_at: null,
  platform_post_id: "",
  url: "",
  error: "",
  attempts: 0,
  created_at: "2026-12-01T00:00:00Z",
  updated_at: "2026-12-01T00:00:00Z",
};
const ME = {
  user: { id: "u1", email: "ana@example.com", full_name: "Ana", is_superuser: false, created_at: "2026-01-01T00:00:00Z" },
  workspace: { id: "w1", name: "Ana's", role: "owner", created_at: "2026-01-01T00:00:00Z" },
};

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

function WhenSignedIn() {
  const { me } = useAuth();
  return me ? <CampaignsPage /> : null;
}

describe("campaigns list", () => {
  it("shows status and progress, filters by status, shows deleted ones to owners and deletes after confirming", async () => {
    const user = userEvent.setup();
    stubFetch((method, url) => {
      if (url.startsWith("/api/v1/auth/me")) return json(200, ME);
      if (method === "GET" && url.includes("include_deleted=true")) return json(200, page([{ ...DRAFT, deleted: true }]));
      if (method === "GET" && url.startsWith("/api/v1/campaigns")) return json(200, page([CAMPAIGN, DRAFT]));
      if (method === "DELETE" && url === "/api/v1/campaigns/c1") return new Response(null, { status: 204 });
      if (method === "POST" && url === "/api/v1/campaigns/c2/restore") return json(200, DRAFT);
      return undefined;
    });
    render(
      <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
        <MemoryRouter initialEntries={["/campaigns"]}>
          <AuthProvider>
            <ToastProvider>
              <WhenSignedIn />
            </ToastProvider>
          </AuthProvider>
        </MemoryRouter>
      </QueryClientProvider>,
    );
    const [running, draft] = await screen.findAllByTestId("campaign-row");
    expect(within(running!).getByRole("link", { name: "Winter drop" })).toHaveAttribute("href", "/campaigns/c1");
    expect(within(running!).getByText("running")).toBeInTheDocument();
    expect(within(running!).getByTestId("campaign-progress")).toHaveTextContent("4 of 10 posted · 1 failed");
    expect(within(draft!).getByRole("link", { name: "Spring teaser" })).toHaveAttribute("href", "/campaigns/c2/edit");

    const confirm = vi.spyOn(window, "confirm").mockReturnValue(true);
    await user.click(within(running!).getByRole("button", { name: "Delete" }));
    expect(confirm).toHaveBeenCalled();
    await waitFor(() => expect(calls.some((c) => c.method === "DELETE" && c.url === "/api/v1/campaigns/c1")).toBe(true));

    await user.selectOptions(screen.getByLabelText("Status"), "paused");
    await waitFor(() => expect(calls.some((c) => c.url.includes("status=paused"))).toBe(true));
    await user.click(screen.getByLabelText("Show deleted"));
    const deleted = await screen.findByText("deleted");
    const row = deleted.closest("li")!;
    await user.click(within(row).getByRole("button", { name: "Restore" }));
    await waitFor(() => expect(calls.some((c) => c.method === "POST" && c.url === "/api/v1/campaigns/c2/restore")).toBe(true));
  });
});

describe("campaign builder", () => {
  it("generates from post briefs and puts the server's field error on the row it names", async () => {
    const user = userEvent.setup();
    let answer = json(400, { status_code: 400, detail: "Posts[0] topic: …", extra: [{ key: "posts[0].topic", label: "Posts[0] topic", message: "must not be empty" }] });
    stubFetch((method, url) => {
      if (method === "GET" && url.startsWith("/api/v1/campaigns/c2/batches")) return json(200, page([]));
      if (method === "GET" && url.startsWith("/api/v1/campaigns/c2/posts")) return json(200, page([POST]));
      if (method === "POST" && url === "/api/v1/campaigns/c2/generate") return answer;
      if (url === "/api/v1/events/token") return json(201, { token: "t", expires_in: 60 });
      return undefined;
    });
    renderAt("/b", "/b", <GenerateStep campaign={DRAFT} onNext={() => undefined} />);
    expect(await screen.findByText("Stay warm this winter")).toBeInTheDocument();
    // The first row is left blank: the second is the first sent.
    await user.type(screen.getByLabelText("Post 2: topic"), "Jackets");
    await user.click(screen.getByLabelText("Post 2: with an image"));
    await user.click(screen.getByRole("button", { name: "Generate" }));
    await waitFor(() => expect(screen.getByLabelText("Post 2: topic")).toHaveAttribute("aria-invalid", "true"));
    expect(screen.getByLabelText("Post 2: topic")).toHaveAccessibleDescription("Must not be empty");
    const sent = calls.find((c) => c.method === "POST" && c.url.endsWith("/generate"));
    expect(sent?.body).toEqual({ posts: [{ topic: "Jackets", brief: "", tone: "", audience: "", with_image: true }], with_image: false });

    answer = json(202, { id: "b2", campaign_id: "c2", job_id: "j2", status: "running", requested: 1, done: 0, failed: 0, pending: 1, created_at: "", finished_at: null });
    await user.click(screen.getByRole("button", { name: "Generate" }));
    expect(await screen.findByTestId("batch-progress")).toBeInTheDocument();
  });

  it("refuses an empty list of briefs before asking the server", async () => {
    const user = userEvent.setup();
    stubFetch((method, url) => (method === "GET" && url.includes("/c2/") ? json(200, page([])) : undefined));
    renderAt("/b", "/b", <GenerateStep campaign={DRAFT} onNext={() => undefined} />);
    await user.click(screen.getByRole("button", { name: "Generate" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("Write at least one post brief");
    expect(calls.some((c) => c.method === "POST")).toBe(false);
  });

  it("edits a caption inline, drops a post and shows a refused caption on its box", async () => {
    const user = userEvent.setup();
    let patchAnswer: (body: unknown) => Response = (body) => json(200, { ...POST, ...(body as object) });
    stubFetch((method, url, body) => {
      if (method === "GET" && url.startsWith("/api/v1/campaigns/c2/posts")) return json(200, page([POST]));
      if (method === "PATCH" && url === "/api/v1/campaigns/c2/posts/p1") return patchAnswer(body);
      return undefined;
    });
    renderAt("/b", "/b", <ReviewGrid campaign={DRAFT} onNext={() => undefined} />);
    const card = await screen.findByTestId("review-card");
    const box = within(card).getByLabelText("Caption of post 1");
    expect(within(card).queryByRole("button", { name: "Save caption" })).not.toBeInTheDocument();
    await user.clear(box);
    await user.type(box, "Warmer than ever");
    await user.click(within(card).getByRole("button", { name: "Save caption" }));
    await waitFor(() => expect(calls.find((c) => c.method === "PATCH")?.body).toEqual({ caption: "Warmer than ever" }));

    patchAnswer = () => json(400, { status_code: 400, detail: "Caption: too long", extra: [{ key: "caption", label: "Caption", message: "must have at most 2200 characters" }] });
    await user.type(box, "!");
    await user.click(within(card).getByRole("button", { name: "Save caption" }));
    await waitFor(() => expect(box).toHaveAccessibleDescription("Must have at most 2200 characters"));

    patchAnswer = (body) => json(200, { ...POST, ...(body as object) });
    await user.click(within(card).getByRole("button", { name: "Drop" }));
    await waitFor(() => expect(calls.filter((c) => c.method === "PATCH").at(-1)?.body).toEqual({ dropped: true }));
  });
});
