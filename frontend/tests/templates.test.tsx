import { beforeEach, describe, expect, it, vi } from "vitest";
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { TemplatesPage, unknownVariables } from "../src/pages/Templates";
import { json, page, renderAt, type Call } from "./helpers";

const TEMPLATE = { id: "t1", name: "Thanks", body: "Hi {username}!", ai_variant: false, variables: ["username"], created_at: "", updated_at: "" };
const LEDGER = { id: "e1", account_id: "a1", rule_id: "r1", trigger: "liked_item", recipient: "bob", subject: "item-7", body: "Hi bob!", status: "sent", created_at: "", sent_at: "2026-12-01T09:00:00Z" };
const SAMPLE: Record<string, string> = { username: "jane_doe", item_title: "Vintage denim jacket", price: "25.00", discount_price: "22.50", my_name: "my_shop" };

describe("templates", () => {
  let calls: Call[];
  beforeEach(() => {
    calls = [];
    vi.stubGlobal(
      "fetch",
      vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
        const url = String(input);
        const method = init?.method ?? "GET";
        const body = init?.body ? (JSON.parse(String(init.body)) as Record<string, string>) : undefined;
        calls.push({ method, url, body });
        if (method === "POST" && url === "/api/v1/automation/templates/preview") {
          const text = body!.body!;
          const unknown = /\{(?!username|item_title|price|discount_price|my_name)(\w+)\}/.exec(text);
          if (unknown) return json(400, { status_code: 400, detail: `body: unknown variable {${unknown[1]}}; use {username}` });
          return json(200, { text: text.replace(/\{(\w+)\}/g, (_, v: string) => SAMPLE[v] ?? ""), variables: [] });
        }
        if (method === "POST" && url === "/api/v1/automation/templates") return json(201, { ...TEMPLATE, id: "t2", ...body });
        if (url.startsWith("/api/v1/automation/templates")) return json(200, page([TEMPLATE]));
        if (url.startsWith("/api/v1/automation/ledger")) return json(200, page([LEDGER]));
        return json(404, { status_code: 404, detail: `unexpected ${method} ${url}` });
      }),
    );
  });

  it("knows which variables are unknown (literal braces are not variables)", () => {
    expect(unknownVariables("Hi {username}, {{literal}} {nme} {nme} {price}")).toEqual(["nme"]);
  });

  it("inserts variables as chips, previews the text live, and flags an unknown variable inline", async () => {
    const user = userEvent.setup();
    renderAt("/automation/templates", "/automation/templates", <TemplatesPage />);
    expect(await screen.findByTestId("template-row")).toHaveTextContent("Thanks");
    await user.click(screen.getByRole("button", { name: "New template" }));
    const form = screen.getByRole("form", { name: "New template" });
    await user.type(within(form).getByLabelText("Name"), "Likers");
    const message = within(form).getByLabelText("Message");
    await user.clear(message);
    await user.type(message, "Hello ");
    await user.click(within(form).getByRole("button", { name: "{item_title}" }));
    expect(message).toHaveValue("Hello {item_title}");
    await waitFor(() => expect(within(form).getByTestId("template-preview")).toHaveTextContent("Hello Vintage denim jacket"));

    await user.type(message, " {{nme}");
    expect(message).toHaveAccessibleDescription("Unknown variable: {nme}");
    await user.click(within(form).getByRole("button", { name: "Create template" }));
    expect(calls.some((c) => c.method === "POST" && c.url === "/api/v1/automation/templates")).toBe(false);

    await user.type(message, "{backspace}{backspace}{backspace}{backspace}{backspace}{backspace}");
    await user.click(within(form).getByRole("button", { name: "Create template" }));
    await waitFor(() =>
      expect(calls.find((c) => c.method === "POST" && c.url === "/api/v1/automation/templates")?.body).toEqual({ name: "Likers", body: "Hello {item_title}", ai_variant: false }),
    );
    expect(await screen.findByText("Template created")).toBeInTheDocument();
  }, 30_000);

  it("shows the ledger of messages the rules sent", async () => {
    renderAt("/automation/templates", "/automation/templates", <TemplatesPage />);
    const row = await screen.findByTestId("ledger-row");
    expect(row).toHaveTextContent(/bob\s*liked item-7\s*Hi bob!\s*sent/);
  });
});
