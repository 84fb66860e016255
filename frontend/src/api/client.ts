/**
 * A small typed client for the Sellpilot API.
 *
 * - Sends the access token as a bearer token.
 * - On a 401 it refreshes the tokens once (one refresh in flight, shared by every
 *   request that hit the 401 meanwhile), stores the rotated refresh token and
 *   replays the request. If the refresh fails, the session is over: tokens are
 *   cleared and `onLogout` is called.
 * - Errors come back as `ApiError` carrying the API's `{"status_code","detail"}`.
 */
import type { components } from "./schema";

export type Schemas = components["schemas"];
export type TokenPair = Schemas["TokenPair"];

export interface Tokens {
  access: string;
  refresh: string;
}

export interface TokenStore {
  get(): Tokens | null;
  set(tokens: Tokens | null): void;
}

export class ApiError extends Error {
  readonly status: number;
  readonly detail: string;
  readonly extra: unknown;
  constructor(status: number, detail: string, extra?: unknown) {
    super(detail);
    this.name = "ApiError";
    this.status = status;
    this.detail = detail;
    this.extra = extra;
  }
}

const METHOD = "(?:GET|POST|PUT|PATCH|DELETE)";

/**
 * The API's detail without the API routes it may name for developers
 * ("… (POST /api/v1/billing/checkout)"): a person sees the page to go to instead.
 */
export function humanDetail(detail: string): string {
  return detail
    .replace(new RegExp(`\\s*\\(\\s*${METHOD}\\s+/api/[^)]*\\)`, "g"), "")
    .replace(new RegExp(`\\s+(?:with|at|via|using)\\s+${METHOD}\\s+/api/v\\d+/billing\\S*`, "g"), " on the Billing page")
    .replace(new RegExp(`\\s+(?:with|at|via|using)\\s+${METHOD}\\s+/api/\\S*`, "g"), "")
    .replace(new RegExp(`\\s*${METHOD}\\s+/api/\\S*`, "g"), "")
    .trim();
}

/** A readable message for anything thrown by a request (or anything else). */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.detail;
  if (error instanceof TypeError) return "Cannot reach the server. Check your connection and try again.";
  if (error instanceof Error) return error.message;
  return String(error);
}

const STATUS_TEXT: Record<number, string> = {
  400: "The request was not accepted",
  401: "Your session has ended; please log in again",
  403: "You are not allowed to do that",
  404: "Not found",
  409: "That conflicts with the current state",
  413: "The upload is too large",
  429: "Too many requests; slow down",
  500: "Something went wrong on the server",
  502: "The server is unreachable",
  503: "The service is unavailable right now",
};

/** Map a failed response to an ApiError, using the API's JSON error body when there is one. */
export async function toApiError(response: Response): Promise<ApiError> {
  let detail = STATUS_TEXT[response.status] ?? `Request failed (${response.status})`;
  let extra: unknown;
  const text = await response.text().catch(() => "");
  if (text) {
    try {
      const body = JSON.parse(text) as { detail?: unknown; extra?: unknown };
      if (typeof body.detail === "string" && body.detail) detail = humanDetail(body.detail) || detail;
      extra = body.extra;
    } catch {
      // not JSON (a proxy's HTML page, say): keep the generic message
    }
  }
  if (response.status === 429) {
    const retry = response.headers.get("Retry-After");
    if (retry && !detail.includes("again")) detail = `${detail} (try again in ${retry} s)`;
  }
  return new ApiError(response.status, detail, extra);
}

type QueryValue = string | number | boolean | null | undefined;
/** A list value repeats the parameter (`account_id=a&account_id=b`), as the API reads a list. */
export type Query = Record<string, QueryValue | readonly QueryValue[]>;

export interface RequestOptions {
  query?: Query;
  /** JSON body */
  json?: unknown;
  /** multipart or other raw body (FormData, Blob, string) */
  body?: BodyInit;
  headers?: Record<string, string>;
  /** no bearer token, no refresh (login, register, refresh) */
  anonymous?: boolean;
  signal?: AbortSignal;
  /** return the Response instead of parsed JSON */
  raw?: boolean;
}

export interface ClientOptions {
  baseUrl?: string;
  store: TokenStore;
  fetch?: typeof fetch;
  onLogout?: () => void;
}

export function buildUrl(baseUrl: string, path: string, query?: Query): string {
  let url = baseUrl + path;
  if (query) {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      for (const one of Array.isArray(value) ? value : [value]) {
        if (one !== undefined && one !== null && one !== "") params.append(key, String(one));
      }
    }
    const qs = params.toString();
    if (qs) url += (url.includes("?") ? "&" : "?") + qs;
  }
  return url;
}

export class ApiClient {
  readonly baseUrl: string;
  readonly store: TokenStore;
  private readonly fetchImpl: typeof fetch;
  private onLogout: (() => void) | undefined;
  private refreshing: Promise<Tokens> | null = null;

  constructor(options: ClientOptions) {
    this.baseUrl = options.baseUrl ?? "/api/v1";
    this.store = options.store;
    this.fetchImpl = options.fetch ?? ((...args) => globalThis.fetch(...args));
    this.onLogout = options.onLogout;
  }

  setLogoutHandler(handler: (() => void) | undefined): void {
    this.onLogout = handler;
  }

  /** Store a token pair the API answered (login, register, refresh, switch). */
  acceptTokens(pair: TokenPair): void {
    this.store.set({ access: pair.access_token, refresh: pair.refresh_token });
  }

  /** Forget the tokens and tell the app. */
  endSession(): void {
    this.refreshing = null;
    this.store.set(null);
    this.onLogout?.();
  }

  /**
   * Rotate the tokens. Every caller during one refresh shares the same promise,
   * so a burst of 401s makes exactly one POST /auth/refresh.
   */
  refresh(): Promise<Tokens> {
    if (this.refreshing) return this.refreshing;
    const current = this.store.get();
    const attempt = (async () => {
      if (!current) throw new ApiError(401, "Not logged in");
      const response = await this.fetchImpl(buildUrl(this.baseUrl, "/auth/refresh"), {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify({ refresh_token: current.refresh }),
      });
      if (!response.ok) throw await toApiError(response);
      const pair = (await response.json()) as TokenPair;
      const tokens = { access: pair.access_token, refresh: pair.refresh_token };
      this.store.set(tokens);
      return tokens;
    })();
    this.refreshing = attempt;
    attempt.then(
      () => {
        if (this.refreshing === attempt) this.refreshing = null;
      },
      (error: unknown) => {
        if (this.refreshing === attempt) this.refreshing = null;
        // A network error is not the end of the session; a refused token is.
        if (error instanceof ApiError) this.endSession();
      },
    );
    return attempt;
  }

  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const url = buildUrl(this.baseUrl, path, options.query);
    const send = (access: string | undefined) => {
      const headers: Record<string, string> = { Accept: "application/json", ...options.headers };
      let body: BodyInit | undefined = options.body;
      if (options.json !== undefined) {
        headers["Content-Type"] = "application/json";
        body = JSON.stringify(options.json);
      }
      if (access) headers.Authorization = `Bearer ${access}`;
      return this.fetchImpl(url, { method, headers, body, signal: options.signal });
    };

    const usedAccess = options.anonymous ? undefined : this.store.get()?.access;
    let response = await send(usedAccess);
    if (response.status === 401 && !options.anonymous && usedAccess) {
      // Another request may have rotated the tokens already while this one was in flight.
      const now = this.store.get();
      let access: string;
      if (now && now.access !== usedAccess) {
        access = now.access;
      } else {
        try {
          access = (await this.refresh()).access;
        } catch (error) {
          if (error instanceof ApiError) throw new ApiError(401, STATUS_TEXT[401]!);
          throw error;
        }
      }
      response = await send(access);
      if (response.status === 401) {
        const error = await toApiError(response);
        this.endSession();
        throw error;
      }
    }
    if (!response.ok) throw await toApiError(response);
    if (options.raw) return response as unknown as T;
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  get<T>(path: string, query?: Query, options: RequestOptions = {}): Promise<T> {
    return this.request<T>("GET", path, { ...options, query });
  }
  post<T>(path: string, json?: unknown, options: RequestOptions = {}): Promise<T> {
    return this.request<T>("POST", path, { ...options, json });
  }
  patch<T>(path: string, json?: unknown, options: RequestOptions = {}): Promise<T> {
    return this.request<T>("PATCH", path, { ...options, json });
  }
  put<T>(path: string, json?: unknown, options: RequestOptions = {}): Promise<T> {
    return this.request<T>("PUT", path, { ...options, json });
  }
  delete<T = void>(path: string, options: RequestOptions = {}): Promise<T> {
    return this.request<T>("DELETE", path, options);
  }
}

const STORAGE_KEY = "sellpilot.tokens";

/** Tokens kept in localStorage so a reload stays logged in; other tabs see changes too. */
export function localTokenStore(storage: Storage = window.localStorage): TokenStore {
  return {
    get() {
      try {
        const raw = storage.getItem(STORAGE_KEY);
        if (!raw) return null;
        const parsed = JSON.parse(raw) as Partial<Tokens>;
        return parsed.access && parsed.refresh ? { access: parsed.access, refresh: parsed.refresh } : null;
      } catch {
        return null;
      }
    },
    set(tokens) {
      if (tokens) storage.setItem(STORAGE_KEY, JSON.stringify(tokens));
      else storage.removeItem(STORAGE_KEY);
    },
  };
}

export function memoryTokenStore(initial: Tokens | null = null): TokenStore {
  let tokens = initial;
  return {
    get: () => tokens,
    set: (next) => {
      tokens = next;
    },
  };
}
