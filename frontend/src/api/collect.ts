/**
 * Image collection: projects, collections, their crawl (start, stop, retry, progress), images
 * (list, a person's override), validation at another level and the export zip. One function per route.
 *
 * The types are written by hand from backend/collect/schemas.py until the collect routes are on
 * main; then they come from the generated schema like the other domains'.
 */
import { api, type Page } from "./endpoints";
import type { Query } from "./client";

export type CollectionStatus = "draft" | "running" | "stopped" | "completed" | "failed";
export type Level = "fast" | "medium" | "thorough";
export type Source = "feed_search" | "more_like_this" | "board_ideas";
export type ImageStatus = "approved" | "disqualified" | "pending" | "duplicate" | "rejected";
export type ChunkStatus = "waiting" | "running" | "done" | "failed";
export type OverrideStatus = "approved" | "disqualified";

export interface Project {
  id: string;
  name: string;
  description: string;
  /** how many collections the project holds */
  collections: number;
  created_at: string;
  updated_at: string;
}

export interface ProjectIn {
  name: string;
  description: string;
}
export type ProjectUpdate = Partial<ProjectIn>;

export interface Collection {
  id: string;
  project_id: string;
  name: string;
  brief: string;
  keywords: string[];
  sources: Source[];
  account_id: string | null;
  max_images: number;
  validation_level: Level;
  threshold: number;
  chunk_size: number;
  warmup_pins: number;
  status: CollectionStatus;
  /** why it stopped, failed or completed early, for a person */
  status_reason: string;
  /** images kept so far (approved, disqualified or pending), never more than max_images */
  kept: number;
  /** the warm-up board on the platform (board_ideas), once made */
  board_id: string;
  /** the crawl's parent job (its children are the chunks) */
  job_id: string | null;
  validate_job_id: string | null;
  created_at: string;
  updated_at: string;
  started_at: string | null;
  finished_at: string | null;
}

export interface CollectionIn {
  project_id: string;
  name: string;
  keywords: string[];
  account_id: string;
  brief: string;
  sources?: Source[];
  max_images: number;
  validation_level: Level;
  threshold: number;
  chunk_size: number;
  warmup_pins: number;
}
/** Only the fields sent change; keywords, sources, account and chunk size only in a draft. */
export type CollectionUpdate = Partial<Omit<CollectionIn, "project_id" | "validation_level">>;


export interface ChunkCounts {
  total: number;
  done: number;
  failed: number;
  running: number;
  waiting: number;
}

export interface ImageCounts {
  found: number;
  kept: number;
  duplicates: number;
  approved: number;
  disqualified: number;
  pending: number;
  rejected: number;
}

export interface Chunk {
  key: string;
  source: Source;
  keyword: string;
  start: number;
  size: number;
  status: ChunkStatus;
  found: number;
  kept: number;
  duplicates: number;
  job_id: string | null;
  error: string;
}

export interface Progress {
  collection_id: string;
  status: CollectionStatus;
  status_reason: string;
  max_images: number;
  chunks: ChunkCounts;
  images: ImageCounts;
  chunk_list: Chunk[];
}

export interface ValidateIn {
  level: Level;
  threshold?: number | null;
}

export interface CollectedImage {
  id: string;
  collection_id: string;
  status: ImageStatus;
  /** why it is disqualified, a duplicate or rejected; empty when approved */
  reason: string;
  problems: string[];
  score: number | null;
  /** a person set the status: re-validation leaves it */
  overridden: boolean;
  source: Source;
  keyword: string;
  source_url: string;
  page_url: string;
  title: string;
  media_id: string | null;
  file_url: string | null;
  thumbnail_url: string | null;
  duplicate_of: string | null;
  sha256: string;
  phash: string;
  width: number;
  height: number;
  size_bytes: number;
  format: string;
  sharpness: number | null;
  chunk_key: string;
  created_at: string;
}

export interface ImageUpdate {
  status: OverrideStatus;
  /** empty: "Approved by a person" / "Disqualified by a person" */
  reason: string;
}

export const projects = {
  list: (query: Query = {}) => api.get<Page<Project>>("/projects", query),
  get: (id: string) => api.get<Project>(`/projects/${id}`),
  create: (body: ProjectIn) => api.post<Project>("/projects", body),
  update: (id: string, body: ProjectUpdate) => api.patch<Project>(`/projects/${id}`, body),
  /** with its collections and their images (409 while one of them runs) */
  remove: (id: string) => api.delete(`/projects/${id}`),
};

export const collections = {
  list: (query: Query = {}) => api.get<Page<Collection>>("/collections", query),
  get: (id: string) => api.get<Collection>(`/collections/${id}`),
  create: (body: CollectionIn) => api.post<Collection>("/collections", body),
  update: (id: string, body: CollectionUpdate) => api.patch<Collection>(`/collections/${id}`, body),
  remove: (id: string) => api.delete(`/collections/${id}`),

  start: (id: string) => api.post<Collection>(`/collections/${id}/start`),
  stop: (id: string) => api.post<Collection>(`/collections/${id}/stop`),
  retry: (id: string) => api.post<Collection>(`/collections/${id}/retry`),
  progress: (id: string) => api.get<Progress>(`/collections/${id}/progress`),
  validate: (id: string, body: ValidateIn) => api.post<Collection>(`/collections/${id}/validate`, body),

  images: (id: string, query: Query = {}) => api.get<Page<CollectedImage>>(`/collections/${id}/images`, query),
  override: (id: string, imageId: string, body: ImageUpdate) => api.patch<CollectedImage>(`/collections/${id}/images/${imageId}`, body),
  /** The zip's bytes (needs the bearer token): see lib/download. */
  export: (id: string, status: ImageStatus) =>
    api.request<Response>("GET", `/collections/${id}/export`, { raw: true, query: { status }, headers: { Accept: "application/zip" } }),
};
