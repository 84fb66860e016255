/** Typed calls of the API, one function per route the app uses. */
import { ApiClient, localTokenStore, memoryTokenStore, type Schemas, type Query } from "./client";
import type { components } from "./schema";
import type {
  Account,
  AccountCreate,
  AccountUpdate,
  ImportReport,
  Platform,
  Profile,
  ProfileCreate,
  ProfileTemplate,
  ProfileUpdate,
  Proxy,
  ProxyCreate,
  ProxyUpdate,
} from "./platforms";

export type Page<T> = { items: T[]; total: number; limit: number; offset: number };
export type TokenPair = Schemas["TokenPair"];
export type Me = Schemas["MeResponse"];
export type User = Schemas["UserOut"];
export type Workspace = Schemas["WorkspaceOut"];
export type Member = Schemas["MemberOut"];
export type Invitation = Schemas["InvitationOut"];
export type InviteResult = Schemas["MemberInviteResult"];
export type Role = Schemas["MemberOut"]["role"];
export type Job = Schemas["JobOut"];
export type JobStatistics = Schemas["JobStatistics"];
export type JobItem = Schemas["JobItemOut"];
export type StreamToken = Schemas["StreamToken"];
export type Media = Schemas["MediaOut"];
export type Listing = Schemas["ListingOut"];
export type ListingUpdate = components["schemas"]["ListingUpdate"];
export type ListingStatus = Listing["status"];
export type Condition = Listing["condition"];
export type Billing = Schemas["BillingOut"];
export type Limit = Schemas["LimitOut"];
export type PriceChange = Schemas["PriceChangeOut"];

const hasWindow = typeof window !== "undefined" && typeof window.localStorage !== "undefined";
export const api = new ApiClient({ store: hasWindow ? localTokenStore() : memoryTokenStore() });

export const auth = {
  register: (body: { email: string; password: string; full_name?: string; workspace_name?: string | null }) =>
    api.post<TokenPair>("/auth/register", body, { anonymous: true }),
  login: (body: { email: string; password: string }) => api.post<TokenPair>("/auth/login", body, { anonymous: true }),
  logout: (refreshToken?: string) =>
    api.post<void>("/auth/logout", refreshToken ? { refresh_token: refreshToken } : undefined),
  me: () => api.get<Me>("/auth/me"),
};

export const workspaces = {
  list: () => api.get<Page<Workspace>>("/workspaces", { limit: 100 }),
  create: (name: string) => api.post<Workspace>("/workspaces", { name }),
  rename: (id: string, name: string) => api.patch<Workspace>(`/workspaces/${id}`, { name }),
  switch: (id: string) => api.post<TokenPair>(`/workspaces/${id}/switch`),
  members: (id: string) => api.get<Page<Member>>(`/workspaces/${id}/members`, { limit: 100 }),
  invitations: (id: string) => api.get<Page<Invitation>>(`/workspaces/${id}/invitations`, { limit: 100 }),
  invite: (id: string, email: string, role: Role) =>
    api.post<InviteResult>(`/workspaces/${id}/members`, { email, role }),
  changeRole: (id: string, userId: string, role: Role) =>
    api.patch<Member>(`/workspaces/${id}/members/${userId}`, { role }),
  removeMember: (id: string, userId: string) => api.delete(`/workspaces/${id}/members/${userId}`),
  revokeInvitation: (id: string, invitationId: string) => api.delete(`/workspaces/${id}/invitations/${invitationId}`),
};

export const jobs = {
  list: (query: Query = {}) => api.get<Page<Job>>("/jobs", query),
  get: (id: string) => api.get<Job>(`/jobs/${id}`),
  /** what each item did: failed ones first (with their reason), then done ones */
  items: (id: string, query: Query = {}) => api.get<Page<JobItem>>(`/jobs/${id}/items`, query),
  cancel: (id: string) => api.post<Job>(`/jobs/${id}/cancel`),
  retry: (id: string) => api.post<Job>(`/jobs/${id}/retry`),
  statistics: () => api.get<JobStatistics>("/jobs/statistics"),
  streamToken: () => api.post<StreamToken>("/events/token"),
};

export const media = {
  upload: (files: File[], signal?: AbortSignal) => {
    const form = new FormData();
    for (const file of files) form.append("files", file, file.name);
    return api.request<{ items: Media[] }>("POST", "/media", { body: form, signal });
  },
  /** The bytes of a photo (needs the bearer token, so not usable as a plain <img src>). */
  thumbnail: (id: string, signal?: AbortSignal) =>
    api.request<Response>("GET", `/media/${id}/thumbnail`, { raw: true, signal, headers: { Accept: "image/*" } }),
};

export interface ListingFilters {
  status?: ListingStatus | "";
  category?: string;
  q?: string;
  sort?: "created_at" | "updated_at" | "price" | "title";
  order?: "asc" | "desc";
  limit?: number;
  offset?: number;
}

export const listings = {
  analyze: (mediaIds: string[]) => api.post<Job>("/listings/analyze", { media_ids: mediaIds }),
  list: (filters: ListingFilters = {}) => api.get<Page<Listing>>("/listings", { ...filters }),
  categories: () => api.get<string[]>("/listings/categories"),
  get: (id: string) => api.get<Listing>(`/listings/${id}`),
  update: (id: string, body: ListingUpdate) => api.patch<Listing>(`/listings/${id}`, body),
  remove: (id: string) => api.delete(`/listings/${id}`),
  duplicate: (id: string) => api.post<Listing>(`/listings/${id}/duplicate`),
  /** Publishing is a job: follow it over SSE; the listing then has the item's id and URL. */
  publish: (id: string, accountId: string) => api.post<Job>(`/listings/${id}/publish`, { account_id: accountId }),
  priceHistory: (id: string) => api.get<PriceChange[]>(`/listings/${id}/price-history`),
};

export const billing = {
  get: () => api.get<Billing>("/billing"),
  checkout: (plan: "pro" | "business") => api.post<{ url: string }>("/billing/checkout", { plan }),
  portal: () => api.post<{ url: string }>("/billing/portal"),
};

/** CSV/JSON import: a JSON array, raw CSV text, or a file (sent as multipart `file`). */
export type ImportSource = { kind: "json"; rows: unknown[] } | { kind: "csv"; text: string } | { kind: "file"; file: File };

function importBody(source: ImportSource): { json?: unknown; body?: BodyInit; headers?: Record<string, string> } {
  if (source.kind === "json") return { json: source.rows };
  if (source.kind === "csv") return { body: source.text, headers: { "Content-Type": "text/csv" } };
  const form = new FormData();
  form.append("file", source.file, source.file.name);
  return { body: form };
}

export const accounts = {
  platforms: () => api.get<Platform[]>("/accounts/platforms"),
  list: (query: Query = {}) => api.get<Page<Account>>("/accounts", query),
  create: (body: AccountCreate) => api.post<Account>("/accounts", body),
  update: (id: string, body: AccountUpdate) => api.patch<Account>(`/accounts/${id}`, body),
  remove: (id: string) => api.delete(`/accounts/${id}`),
  import: (source: ImportSource) => api.request<ImportReport>("POST", "/accounts/import", importBody(source)),
  testLogin: (id: string) => api.post<Job>(`/accounts/${id}/test-login`),
  resume: (id: string) => api.post<Job>(`/accounts/${id}/resume`),
};

export const proxies = {
  list: (query: Query = {}) => api.get<Page<Proxy>>("/proxies", query),
  create: (body: ProxyCreate) => api.post<Proxy>("/proxies", body),
  update: (id: string, body: ProxyUpdate) => api.patch<Proxy>(`/proxies/${id}`, body),
  remove: (id: string) => api.delete(`/proxies/${id}`),
  import: (source: ImportSource) => api.request<ImportReport>("POST", "/proxies/import", importBody(source)),
  healthCheck: (id: string) => api.post<Job>(`/proxies/${id}/health-check`),
  /** Every proxy of the workspace: a job with one item per proxy. */
  healthCheckAll: () => api.post<Job>("/proxies/health-check"),
};

export const profiles = {
  list: (query: Query = {}) => api.get<Page<Profile>>("/profiles", query),
  templates: () => api.get<ProfileTemplate[]>("/profiles/templates"),
  fromTemplate: (name: string) => api.post<Profile>(`/profiles/from-template/${encodeURIComponent(name)}`),
  create: (body: ProfileCreate) => api.post<Profile>("/profiles", body),
  update: (id: string, body: ProfileUpdate) => api.patch<Profile>(`/profiles/${id}`, body),
  remove: (id: string) => api.delete(`/profiles/${id}`),
};
