/**
 * Image collection: projects, collections, their crawl (start, stop, retry, progress), images
 * (list, a person's override), validation at another level and the export zip. One function per route.
 */
import { api, type Page } from "./endpoints";
import type { Query } from "./client";

import type { components } from "./schema";

type S = components["schemas"];

export type Project = S["ProjectOut"];
export type ProjectIn = S["ProjectIn"];
export type ProjectUpdate = S["ProjectUpdate"];
export type Collection = S["CollectionOut"];
export type CollectionIn = S["CollectionIn"];
export type CollectionUpdate = S["CollectionUpdate"];
export type CollectionStatus = Collection["status"];
export type Level = Collection["validation_level"];
export type Source = Collection["sources"][number];
export type ChunkCounts = S["ChunkCounts"];
export type ImageCounts = S["ImageCounts"];
export type Chunk = S["ChunkOut"];
export type ChunkStatus = Chunk["status"];
export type Progress = S["ProgressOut"];
export type ValidateIn = S["ValidateIn"];
export type CollectedImage = S["ImageOut"];
export type ImageStatus = CollectedImage["status"];
export type ImageUpdate = S["ImageUpdate"];
export type OverrideStatus = ImageUpdate["status"];

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
