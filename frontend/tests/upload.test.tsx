import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { MemoryRouter } from "react-router";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { UploadPage } from "../src/pages/Upload";
import { ToastProvider } from "../src/components/toast";

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });

class SilentEventSource {
  static CLOSED = 2;
  readyState = 0;
  onerror: (() => void) | null = null;
  addEventListener() {}
  close() {}
}

describe("upload button", () => {
  let release: () => void;
  let uploads = 0;

  beforeEach(() => {
    localStorage.clear();
    uploads = 0;
    const gate = new Promise<void>((ok) => (release = ok));
    vi.stubGlobal("EventSource", SilentEventSource);
    URL.createObjectURL = vi.fn(() => "blob:preview");
    URL.revokeObjectURL = vi.fn();
    vi.stubGlobal(
      "fetch",
      vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
        const url = String(input);
        const method = init?.method ?? "GET";
        if (method === "POST" && url === "/api/v1/media") {
          uploads += 1;
          await gate;
          return json(201, { items: [{ id: `m${uploads}`, duplicate_of: null }] });
        }
        if (method === "POST" && url === "/api/v1/listings/analyze") return json(202, { id: "j1", kind: "listings.analyze", status: "pending", total: 2, done: 0, failed: 0, progress: 0 });
        if (method === "POST" && url === "/api/v1/events/token") return json(201, { token: "t", expires_in: 60 });
        if (method === "GET" && url === "/api/v1/jobs/j1") return json(200, { id: "j1", kind: "listings.analyze", status: "running", total: 2, done: 0, failed: 0, progress: 0, result: null, account_id: null, listing_id: null });
        return json(404, { status_code: 404, detail: `unexpected ${method} ${url}` });
      }),
    );
  });
  afterEach(() => vi.unstubAllGlobals());

  it("keeps the number of photos while they upload, then announces the drafts", async () => {
    const user = userEvent.setup();
    render(
      <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
        <MemoryRouter>
          <ToastProvider>
            <UploadPage />
          </ToastProvider>
        </MemoryRouter>
      </QueryClientProvider>,
    );
    const files = [1, 2].map((n) => new File([new Uint8Array([0xff, 0xd8, 0xff, n])], `shoe-${n}.jpg`, { type: "image/jpeg" }));
    await user.upload(screen.getByLabelText("Photos"), files);
    await user.click(screen.getByRole("button", { name: "Upload and make 2 drafts" }));
    await waitFor(() => expect(uploads).toBe(2));
    expect(screen.getByRole("button", { name: /Uploading 2 photos…/ })).toBeDisabled();
    expect(screen.queryByRole("button", { name: /0 drafts/ })).not.toBeInTheDocument();
    release();
    expect(await screen.findByText("Making 2 drafts…")).toBeInTheDocument();
    expect(await screen.findByTestId("job-progress")).toBeInTheDocument();
  });
});
