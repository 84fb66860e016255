import { beforeEach, describe, expect, it, vi } from "vitest";
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { CalendarPage } from "../src/pages/Calendar";
import { json, renderAt, type Call } from "./helpers";

const at = (day: number, hour: number) => new Date(2026, 11, day, hour, 30).toISOString();
const post = (id: string, status: string, time: string) => ({
  id,
  campaign_id: "c1",
  campaign_name: "Winter drop",
  caption: `Caption ${id}`,
  status,
  account_id: "a1",
  account_label: `Shop ${id}`,
  platform: "sandbox",
  at: time,
  url: status === "posted" ? "https://sandbox.example/p/1" : "",
});

describe("calendar page", () => {
  let calls: Call[];
  beforeEach(() => {
    calls = [];
    vi.stubGlobal(
      "fetch",
      vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
        const url = String(input);
        const method = init?.method ?? "GET";
        calls.push({ method, url, body: init?.body ? JSON.parse(String(init.body)) : undefined });
        if (method === "GET" && url.startsWith("/api/v1/calendar")) return json(200, [post("p1", "scheduled", at(2, 10)), post("p2", "posted", at(2, 9)), post("p3", "failed", at(9, 12))]);
        if (method === "POST" && url === "/api/v1/campaigns/c1/posts/p1/move") return json(200, {});
        return json(404, { status_code: 404, detail: `unexpected ${method} ${url}` });
      }),
    );
  });

  it("asks for the week shown, puts each post on its day in time order, and moves a scheduled one from its details", async () => {
    const user = userEvent.setup();
    renderAt("/calendar?view=week&date=2026-12-02", "/calendar", <CalendarPage />);
    await screen.findAllByTestId("calendar-post");
    const asked = new URL(calls[0]!.url, "http://x");
    expect(new Date(asked.searchParams.get("from")!)).toEqual(new Date(2026, 10, 30));
    expect(new Date(asked.searchParams.get("to")!)).toEqual(new Date(2026, 11, 7));
    const wednesday = screen.getAllByTestId("calendar-cell").find((c) => c.dataset.day === "2026-12-02")!;
    expect(within(wednesday).getAllByTestId("calendar-post").map((p) => p.dataset.status)).toEqual(["posted", "scheduled"]);
    // Only scheduled posts can be dragged.
    expect(within(wednesday).getAllByTestId("calendar-post").map((p) => p.getAttribute("draggable"))).toEqual(["false", "true"]);

    await user.click(within(wednesday).getByTitle("Winter drop: Caption p1"));
    const details = screen.getByTestId("calendar-details");
    const box = within(details).getByLabelText("Move to");
    await user.clear(box);
    await user.type(box, "2026-12-04T08:15");
    await user.click(within(details).getByRole("button", { name: "Move" }));
    await waitFor(() => expect(calls.find((c) => c.method === "POST")?.body).toEqual({ scheduled_at: new Date(2026, 11, 4, 8, 15).toISOString() }));
    expect(await screen.findByText(/^Post moved to /)).toBeInTheDocument();
  });

  it("a posted post has no move, and links to the platform", async () => {
    const user = userEvent.setup();
    renderAt("/calendar?view=day&date=2026-12-02", "/calendar", <CalendarPage />);
    await user.click(await screen.findByTitle("Winter drop: Caption p2"));
    const details = screen.getByTestId("calendar-details");
    expect(within(details).queryByLabelText("Move to")).not.toBeInTheDocument();
    expect(within(details).getByRole("link", { name: "On the platform" })).toHaveAttribute("href", "https://sandbox.example/p/1");
  });
});
