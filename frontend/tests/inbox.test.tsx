import { beforeEach, describe, expect, it, vi } from "vitest";
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { InboxPage } from "../src/pages/Inbox";
import { json, page, renderAt, type Call } from "./helpers";

const CONV = { id: "c1", account_id: "a1", account_label: "Main shop", platform: "sandbox", with_user: "bob", last_message: "Is it still available?", last_message_at: "2026-12-01T09:00:00Z", unread_count: 2, synced_at: "2026-12-01T09:01:00Z" };
const READ = { ...CONV, id: "c2", with_user: "carol", last_message: "Thanks!", unread_count: 0 };
const MESSAGES = [
  { id: "m1", sender: "bob", body: "Hello", outgoing: false, sent_at: "2026-12-01T08:59:00Z" },
  { id: "m2", sender: "jane", body: "Hi Bob", outgoing: true, sent_at: "2026-12-01T08:59:30Z" },
  { id: "m3", sender: "bob", body: "Is it still available?", outgoing: false, sent_at: "2026-12-01T09:00:00Z" },
];
const ACCOUNTS = [
  { id: "a1", label: "Main shop", login: "jane", status: "active" },
  { id: "a2", label: "", login: "second", status: "active" },
  { id: "a3", label: "Blocked", login: "x", status: "needs_attention" },
];
const job = (kind: string) => ({ id: `job-${kind}`, kind, status: "pending", total: 1, done: 0, failed: 0, progress: 0 });

describe("inbox", () => {
  let calls: Call[];
  beforeEach(() => {
    calls = [];
    vi.stubGlobal(
      "fetch",
      vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
        const url = String(input);
        const method = init?.method ?? "GET";
        calls.push({ method, url, body: init?.body ? JSON.parse(String(init.body)) : undefined });
        if (method === "GET" && url.startsWith("/api/v1/inbox/c1/messages")) return json(200, page(MESSAGES));
        if (method === "GET" && url.startsWith("/api/v1/inbox")) return json(200, page(url.includes("unread=true") ? [CONV] : [CONV, READ]));
        if (method === "GET" && url.startsWith("/api/v1/accounts")) return json(200, page(ACCOUNTS));
        if (method === "POST" && url === "/api/v1/inbox/c1/read") return json(200, { ...CONV, unread_count: 0 });
        if (method === "POST" && url === "/api/v1/inbox/c1/reply") return json(202, job("inbox.reply"));
        if (method === "POST" && url === "/api/v1/inbox/sync") return json(202, job("inbox.sync"));
        return json(404, { status_code: 404, detail: `unexpected ${method} ${url}` });
      }),
    );
  });

  it("lists conversations with unread badges; opening one shows the thread and marks it read", async () => {
    const user = userEvent.setup();
    renderAt("/inbox", "/inbox", <InboxPage />);
    const [bob, carol] = await screen.findAllByTestId("conversation");
    expect(screen.getByRole("heading", { name: "Inbox (2 unread)" })).toBeInTheDocument();
    expect(within(bob!).getByLabelText("2 unread")).toHaveTextContent("2");
    expect(within(carol!).queryByLabelText(/unread/)).not.toBeInTheDocument();
    await user.click(within(bob!).getByRole("button"));
    const messages = await screen.findAllByTestId("message");
    expect(messages.map((m) => m.textContent)).toEqual([expect.stringContaining("Hello"), expect.stringContaining("Hi Bob"), expect.stringContaining("Is it still available?")]);
    expect(messages[1]).toHaveTextContent(/^Hi BobYou/);
    await waitFor(() => expect(calls.filter((c) => c.method === "POST").map((c) => c.url)).toEqual(["/api/v1/inbox/c1/read"]));
  });

  it("replies through a job and says so; an empty reply is refused inline", async () => {
    const user = userEvent.setup();
    renderAt("/inbox?c=c1", "/inbox", <InboxPage />);
    const reply = await screen.findByLabelText("Reply", { selector: "textarea" });
    await user.click(screen.getByRole("button", { name: "Send" }));
    expect(reply).toHaveAccessibleDescription("Write a reply first");
    await user.type(reply, "Yes, it is!");
    await user.click(screen.getByRole("button", { name: "Send" }));
    expect(await screen.findByTestId("reply-job")).toHaveTextContent("Sending through the platform");
    expect(screen.getByRole("link", { name: "follow the job" })).toHaveAttribute("href", "/jobs/job-inbox.reply");
    expect(calls.find((c) => c.url === "/api/v1/inbox/c1/reply")?.body).toEqual({ text: "Yes, it is!" });
    expect(reply).toHaveValue("");
  });

  it("filters by account and unread, and syncs the chosen account (or every active one)", async () => {
    const user = userEvent.setup();
    renderAt("/inbox", "/inbox", <InboxPage />);
    await screen.findAllByTestId("conversation");
    await user.click(screen.getByRole("button", { name: "Sync now" }));
    await waitFor(() => expect(calls.filter((c) => c.url === "/api/v1/inbox/sync").map((c) => c.body)).toEqual([{ account_id: "a1" }, { account_id: "a2" }]));
    expect(await screen.findByText("Syncing 2 accounts' inboxes")).toBeInTheDocument();

    await user.selectOptions(screen.getByLabelText("Account"), "a1");
    await user.click(screen.getByLabelText("Unread only"));
    await waitFor(() => expect(screen.getAllByTestId("conversation")).toHaveLength(1));
    expect(calls.some((c) => c.url === "/api/v1/inbox?account_id=a1&unread=true&limit=100")).toBe(true);
    await user.click(screen.getByRole("button", { name: "Sync now" }));
    await waitFor(() => expect(calls.filter((c) => c.url === "/api/v1/inbox/sync")).toHaveLength(3));
    expect(calls.filter((c) => c.url === "/api/v1/inbox/sync")[2]!.body).toEqual({ account_id: "a1" });
  });
});
