/**
 * The workspace's audit log (owners and admins): one function per route.
 */
import { api, type Page } from "./endpoints";
import type { components } from "./schema";

/** One security-relevant action: who (`actor_*`; none is the system), what (`action`, `target`, `details`), when. */
export type AuditEntry = components["schemas"]["AuditEntryOut"];

export interface AuditQuery {
  /** an action or a prefix of one ("auth.") */
  action?: string;
  /** only this user's actions (their id) */
  actor?: string;
  /** the console's deployment-wide log only: one workspace's rows */
  workspace?: string;
  /** ISO date-times with a zone */
  since?: string;
  until?: string;
  limit?: number;
  offset?: number;
}

export const audit = {
  /** the current workspace's log (owners and admins) */
  list: (query: AuditQuery) => api.get<Page<AuditEntry>>("/audit", { ...query }),
  /** the whole deployment's log, deployment-wide rows included (superusers) */
  all: (query: AuditQuery) => api.get<Page<AuditEntry>>("/admin/audit", { ...query }),
};
