import { beforeEach, describe, expect, it, vi } from "vitest";
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { AutomationPage } from "../src/pages/Automation";
import { json, page, renderAt, type Call } from "./helpers";

const ACCOUNT = {
  id: "a1",
  platform: "sandbox",
  platform_title: "Sandbox marketplace",
  driver_verified: true,
  login: "jane",
  label: "Main shop",
  tags: [],
  status: "active",
  status_reason: "",
  proxy_id: null,
  profile_id: null,
  daily_action_cap: 40,
  actions_today: 3,
  cooldown_until: null,
  last_used_at: null,
  last_login_at: null,
  has_password: true,
  has_cookies: false,
  created_at: "2026-01-01T00:00:00Z",
  updated_at: "2026-01-01T00:00:00Z",
};
const RULE = {
  id: "r1",
  account_id: "a1",
  account_label: "Main shop",
  platform: "sandbox",
  name: "Bump the jackets",
  kind: "bump",
  params: { oldest: 3 },
  interval_minutes: 60,
  starts_at: null,
  active_from: "08:00",
  active_to: "22:00",
  timezone: "Europe/Paris",
  daily_cap: 50,
  actions_today: 6,
  status: "active",
  pause_reason: "",
  next_run_at: "2026-12-01T10:00:00Z",
  last_run_at: "2026-12-01T09:00:00Z",
  last_job_id: "j0",
  last_outcome: "partial",
  last_summary: { bumped: 2, failed: 1 },
  created_at: "2026-12-01T00:00:00Z",
  updated_at: "2026-12-01T00:00:00Z",
};
const PAUSED = { ...RULE, id: "r2", name: "Follow denim sellers", kind: "follow", status: "paused", pause_reason: "The account needs attention: the platform asked for a code", last_run_at: null };
const LISTING = { id: "l1", title: "Blue jacket", price: 20, currency: "EUR", status: "published", account_id: "a1" };
const JOB = { id: "j9", kind: "automation.run", status: "pending", total: 0, done: 0, failed: 0, progress: 0 };

describe("automation page", () => {
  let calls: Call[];
  let createAnswer: () => Response;

  beforeEach(() => {
    localStorage.clear();
    calls = [];
    createAnswer = () => json(201, RULE);
    vi.stubGlobal(
      "fetch",
      vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
        const url = String(input);
        const method = init?.method ?? "GET";
        calls.push({ method, url, body: init?.body ? JSON.parse(String(init.body)) : undefined });
        if (method === "GET" && url.startsWith("/api/v1/automation/rules")) return json(200, page([RULE, PAUSED]));
        if (method === "GET" && url.startsWith("/api/v1/accounts")) return json(200, page([ACCOUNT]));
        if (method === "GET" && url.startsWith("/api/v1/listings")) return json(200, page([LISTING]));
        if (method === "GET" && url.startsWith("/api/v1/billing")) return json(403, { status_code: 403, detail: "owners only" });
        if (method === "POST" && url === "/api/v1/automation/rules") return createAnswer();
        if (method === "POST" && url === "/api/v1/automation/rules/r1/run") return json(202, JOB);
        if (method === "POST" && url === "/api/v1/automation/rules/r1/pause") return json(200, { ...RULE, status: "paused" });
        if (method === "POST" && url === "/api/v1/automation/rules/r2/resume") return json(200, { ...PAUSED, status: "active" });
        if (method === "DELETE" && url === "/api/v1/automation/rules/r1") return new Response(null, { status: 204 });
        return json(404, { status_code: 404, detail: `unexpected ${method} ${url}` });
      }),
    );
  });

  it("groups rules under their account with status, schedule, next run and last outcome", async () => {
    renderAt("/automation", "/automation", <AutomationPage />);
    const [bump, follow] = await screen.findAllByTestId("rule-row");
    expect(screen.getByTestId("rule-group")).toHaveTextContent("Main shop");
    expect(within(bump!).getByText("Bump listings")).toBeInTheDocument();
    expect(within(bump!).getByText("active")).toBeInTheDocument();
    expect(bump).toHaveTextContent("every hour · 08:00–22:00 (Europe/Paris) · 6/50 actions today");
    expect(within(bump!).getByTestId("rule-next")).toHaveTextContent(/^Next run /);
    expect(within(bump!).getByTestId("rule-last")).toHaveTextContent(/partial\s*bumped 2 · failed 1/);
    expect(within(bump!).getByRole("link", { name: "history" })).toHaveAttribute("href", "/automation/runs?rule_id=r1");
    expect(within(follow!).getByTestId("rule-pause-reason")).toHaveTextContent("The account needs attention");
    expect(within(follow!).getByTestId("rule-next")).toHaveTextContent("Not scheduled while paused");
  });

  it("runs now (a job to follow), pauses, resumes and deletes after confirming", async () => {
    const user = userEvent.setup();
    renderAt("/automation", "/automation", <AutomationPage />);
    const [bump, follow] = await screen.findAllByTestId("rule-row");
    await user.click(within(bump!).getByRole("button", { name: "Run now" }));
    expect(await within(bump!).findByRole("link", { name: "follow the run" })).toHaveAttribute("href", "/jobs/j9");
    await user.click(within(bump!).getByRole("button", { name: "Pause" }));
    await user.click(within(follow!).getByRole("button", { name: "Resume" }));
    const confirm = vi.spyOn(window, "confirm").mockReturnValueOnce(false).mockReturnValueOnce(true);
    await user.click(within(bump!).getByRole("button", { name: "Delete" }));
    await user.click(within(bump!).getByRole("button", { name: "Delete" }));
    expect(confirm).toHaveBeenCalledTimes(2);
    await waitFor(() =>
      expect(calls.filter((c) => c.method !== "GET").map((c) => `${c.method} ${c.url}`)).toEqual([
        "POST /api/v1/automation/rules/r1/run",
        "POST /api/v1/automation/rules/r1/pause",
        "POST /api/v1/automation/rules/r2/resume",
        "DELETE /api/v1/automation/rules/r1",
      ]),
    );
  });

  it("checks a price drop's fields inline, then shows the API's floor error on that listing's floor", async () => {
    const user = userEvent.setup();
    renderAt("/automation", "/automation", <AutomationPage />);
    await screen.findAllByTestId("rule-row");
    await user.click(screen.getByRole("button", { name: "New rule" }));
    const form = screen.getByRole("form", { name: "New rule" });
    await user.selectOptions(within(form).getByLabelText("What it does"), "price_drop");
    await user.clear(within(form).getByLabelText("Minutes between runs"));
    await user.type(within(form).getByLabelText("Minutes between runs"), "2");
    await user.click(within(form).getByRole("button", { name: "Create rule" }));
    expect(within(form).getByLabelText("Name")).toHaveAccessibleDescription("A name is required");
    expect(within(form).getByLabelText("Minutes between runs")).toHaveAccessibleDescription(/at least 5/);
    expect(within(form).getByText("Choose at least one listing")).toBeInTheDocument();
    expect(calls.some((c) => c.method === "POST")).toBe(false);

    await user.type(within(form).getByLabelText("Name"), "Drop jacket");
    await user.clear(within(form).getByLabelText("Minutes between runs"));
    await user.type(within(form).getByLabelText("Minutes between runs"), "1440");
    await user.click(await within(form).findByLabelText("Blue jacket · 20 EUR"));
    const floor = within(form).getByLabelText("Floor for Blue jacket");
    await user.type(floor, "25");
    await user.click(within(form).getByRole("button", { name: "Create rule" }));
    expect(floor).toHaveAccessibleDescription("Above the current price (20)");
    expect(calls.some((c) => c.method === "POST")).toBe(false);

    // The price changed on the server meanwhile: it refuses and names the listing's floor.
    createAnswer = () => json(400, { status_code: 400, detail: "params.floors.l1: 19.00 is above the listing's current price 18.00" });
    await user.clear(floor);
    await user.type(floor, "19");
    await user.click(within(form).getByRole("button", { name: "Create rule" }));
    await waitFor(() => expect(floor).toHaveAccessibleDescription("19.00 is above the listing's current price 18.00"));
    const post = calls.find((c) => c.method === "POST")!;
    expect(post.body).toEqual({
      account_id: "a1",
      name: "Drop jacket",
      kind: "price_drop",
      params: { listing_ids: ["l1"], percent: 5, every_days: 7, floors: { l1: 19 } },
      interval_minutes: 1440,
      active_from: "00:00",
      active_to: "24:00",
      daily_cap: 50,
      enabled: true,
    });

    createAnswer = () => json(201, RULE);
    await user.clear(floor);
    await user.click(within(form).getByRole("button", { name: "Create rule" }));
    expect(await screen.findByText("Rule created")).toBeInTheDocument();
    await waitFor(() => expect(screen.queryByRole("form", { name: "New rule" })).not.toBeInTheDocument());
  }, 30_000);

  it("says the plan's limit in words when the API refuses (402)", async () => {
    const user = userEvent.setup();
    createAnswer = () => json(402, { status_code: 402, detail: "Your Free plan allows 3 active automation rules (3 in use)" });
    renderAt("/automation", "/automation", <AutomationPage />);
    await screen.findAllByTestId("rule-row");
    await user.click(screen.getByRole("button", { name: "New rule" }));
    const form = screen.getByRole("form", { name: "New rule" });
    await user.selectOptions(within(form).getByLabelText("What it does"), "inbox_sync");
    await user.type(within(form).getByLabelText("Name"), "Inbox");
    await user.click(within(form).getByRole("button", { name: "Create rule" }));
    expect(await screen.findByText("Your Free plan allows 3 active automation rules (3 in use)")).toBeInTheDocument();
  });
});
