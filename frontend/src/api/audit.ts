/**
 * The workspace's audit log (owners and admins): one function per route.
 *
 * The types are written by hand until the audit backend (branch o1-admin) lands on main; they
 * mirror backend/audit/schemas.py and give way to the generated ones then.
 */
import { api, type Page } from "./endpoints";

export interface AuditEntry {
  id: string;
  workspace_id: string | null;
  /** null: the system did it (a Stripe event, a cron step) */
  actor_id: string | null;
  /** the actor's email as it was at the time */
  actor_email: string;
  /** dotted: "auth.sign_in", "members.role_changed", "admin.user_disabled" */
  action: string;
  /** "user:<id>", "account:<id>", or a short human label */
  target: string;
  /** small, never a secret */
  details: Record<string, string | number | boolean | null>;
  ip: string | null;
  created_at: string;
}

export interface AuditQuery {
  /** an action or a prefix of one ("auth.") */
  action?: string;
  /** only this user's actions (their id) */
  actor?: string;
  /** ISO date-times with a zone */
  since?: string;
  until?: string;
  limit?: number;
  offset?: number;
}

export const audit = {
  list: (query: AuditQuery) => api.get<Page<AuditEntry>>("/audit", { ...query }),
};
