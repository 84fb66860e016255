import { beforeEach, describe, expect, it, vi } from "vitest";
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { AutomationRunsPage } from "../src/pages/AutomationRuns";
import { json, page, renderAt, type Call } from "./helpers";

const RUN = {
  job_id: "j1",
  rule_id: "r1",
  rule_name: "Drop jackets",
  kind: "price_drop",
  account_id: "a1",
  slot: "2026-12-01T09:00:00Z",
  status: "succeeded",
  outcome: "partial",
  summary: { price_changed: 1, failed: 1 },
  error: null,
  created_at: "2026-12-01T09:00:00Z",
  started_at: "2026-12-01T09:00:02Z",
  finished_at: "2026-12-01T09:00:09Z",
};
const FAILED = { ...RUN, job_id: "j2", outcome: "failed", summary: {}, error: "The platform asked for a code", slot: null };
const ITEMS = [
  { key: "l1", label: "Blue jacket", status: "done", error: null, created_at: "", result: { target: "l1", title: "Blue jacket", action: "price_changed", from: "20.00", to: "18.00" } },
  { key: "m1", label: "bob", status: "done", error: null, created_at: "", result: { target: "bob", action: "message", trigger: "liked_item", subject: "item-7", text: "Hi bob!" } },
  { key: "p1", label: "Green hat", status: "done", error: null, created_at: "", result: { target: "Green hat", action: "published", item_id: "it-9", url: "http://127.0.0.1:8001/items/it-9" } },
  { key: "l2", label: "Red scarf", status: "failed", error: "The item was not found on the platform", created_at: "", result: null },
];

describe("run history", () => {
  let calls: Call[];
  beforeEach(() => {
    calls = [];
    vi.stubGlobal(
      "fetch",
      vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
        const url = String(input);
        const method = init?.method ?? "GET";
        calls.push({ method, url, body: undefined });
        if (url.startsWith("/api/v1/automation/runs")) return json(200, page(url.includes("outcome=failed") ? [FAILED] : [RUN, FAILED]));
        if (url.startsWith("/api/v1/automation/rules")) return json(200, page([{ id: "r1", name: "Drop jackets" }]));
        if (url.startsWith("/api/v1/accounts")) return json(200, page([{ id: "a1", label: "Main shop", login: "jane" }]));
        if (url.startsWith("/api/v1/jobs/j1/items")) return json(200, page(ITEMS));
        return json(404, { status_code: 404, detail: `unexpected ${method} ${url}` });
      }),
    );
  });

  it("lists runs with outcome and summary, and expands one to what it did to each target", async () => {
    const user = userEvent.setup();
    renderAt("/automation/runs?rule_id=r1", "/automation/runs", <AutomationRunsPage />);
    const [first, second] = await screen.findAllByTestId("run-row");
    expect(calls[0]!.url).toBe("/api/v1/automation/runs?rule_id=r1&limit=25&offset=0");
    expect(screen.getByLabelText("Rule")).toHaveValue("r1");
    expect(first).toHaveTextContent("Drop jackets");
    expect(within(first!).getByText("partial")).toBeInTheDocument();
    expect(first).toHaveTextContent("price changed 1 · failed 1");
    expect(second).toHaveTextContent("run now");
    expect(within(second!).getByText("The platform asked for a code")).toBeInTheDocument();

    await user.click(within(first!).getByRole("button", { name: "Show results" }));
    const rows = await within(first!).findAllByTestId("run-result");
    expect(rows[0]).toHaveTextContent(/Blue jacket\s*price changed\s*20.00 → 18.00/);
    expect(rows[1]).toHaveTextContent(/bob\s*message\s*“Hi bob!” · trigger: liked_item/);
    expect(rows[2]).toHaveTextContent(/Green hat\s*published\s*item id: it-9 · on the platform/);
    expect(within(rows[2]!).getByRole("link", { name: "on the platform" })).toHaveAttribute("href", "http://127.0.0.1:8001/items/it-9");
    expect(rows[3]).toHaveTextContent(/Red scarf\s*failed\s*The item was not found on the platform/);
  });

  it("filters by outcome through the address", async () => {
    const user = userEvent.setup();
    renderAt("/automation/runs", "/automation/runs", <AutomationRunsPage />);
    await screen.findAllByTestId("run-row");
    await user.selectOptions(screen.getByLabelText("Outcome"), "failed");
    await waitFor(() => expect(screen.getAllByTestId("run-row")).toHaveLength(1));
    expect(calls.some((c) => c.url === "/api/v1/automation/runs?outcome=failed&limit=25&offset=0")).toBe(true);
  });
});
