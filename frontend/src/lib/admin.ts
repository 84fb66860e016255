/** The superuser console's rules that need no screen: the override form's checks, a worker's health. */
import type { OverrideCreate, OverridePlan, OverrideResource, PlanOverride } from "../api/admin";
import type { Limit } from "../api/endpoints";

/** The plans an override can give (billing's plan table; the API refuses any other name). */
export const PLAN_NAMES: readonly OverridePlan[] = ["free", "pro", "business"];

/** The longest an override may last (billing's MAX_DURATION: it refuses a later end). */
export const MAX_OVERRIDE_DAYS = 732;

/** Where the API names a field of the override (`expires_at: must be in the future`), the form's field that shows it. */
export const OVERRIDE_FIELDS: Record<string, keyof OverrideErrors> = {
  plan: "plan",
  resource: "resource",
  limit: "limit",
  expires_at: "expiresAt",
  reason: "reason",
};

export interface OverrideForm {
  /** a whole plan, or one limit */
  kind: "plan" | "limit";
  plan: string;
  resource: string;
  limit: string;
  /** the value of a datetime-local input: the person's own time, no zone */
  expiresAt: string;
  reason: string;
}

export const emptyOverride = (): OverrideForm => ({ kind: "limit", plan: "pro", resource: "", limit: "", expiresAt: "", reason: "" });

export type OverrideErrors = Partial<Record<"plan" | "resource" | "limit" | "expiresAt" | "reason", string>>;

/**
 * What is wrong with the form (in words, per field), or the body to send. The expiry is read in the
 * browser's zone (what a datetime-local input means) and sent as UTC.
 */
export function checkOverride(form: OverrideForm, now: Date): { errors: OverrideErrors; body: OverrideCreate | null } {
  const errors: OverrideErrors = {};
  const reason = form.reason.trim();
  if (!reason) errors.reason = "Say why: the reason is kept with the override and in the audit log";
  else if (reason.length < 3) errors.reason = "Say a little more: at least 3 characters";
  else if (reason.length > 500) errors.reason = "Keep the reason under 500 characters";
  const expires = form.expiresAt ? new Date(form.expiresAt) : null;
  if (!expires || Number.isNaN(expires.getTime())) errors.expiresAt = "Choose when the override ends";
  else if (expires.getTime() <= now.getTime()) errors.expiresAt = "The end must be in the future";
  else if (expires.getTime() > now.getTime() + MAX_OVERRIDE_DAYS * 86_400_000) errors.expiresAt = "Keep it within two years; set a new override then";
  let limit: number | undefined;
  if (form.kind === "plan") {
    if (!(PLAN_NAMES as readonly string[]).includes(form.plan)) errors.plan = "Choose a plan";
  } else {
    if (!form.resource) errors.resource = "Choose the limit to change";
    limit = Number(form.limit);
    if (form.limit.trim() === "" || !Number.isInteger(limit) || limit < 0 || limit > 1_000_000) errors.limit = "Enter a whole number from 0 to 1,000,000";
  }
  if (Object.keys(errors).length > 0 || !expires) return { errors, body: null };
  const base = { expires_at: expires.toISOString(), reason };
  // The form's values were checked against the lists it offers; the API checks them again.
  const body: OverrideCreate =
    form.kind === "plan" ? { ...base, plan: form.plan as OverridePlan } : { ...base, resource: form.resource as OverrideResource, limit };
  return { errors, body };
}

/** "Plan: Pro" or "Platform accounts: 50", with the limit's label where the workspace's limits name it. */
export function overrideLabel(o: PlanOverride, limits: Limit[]): string {
  if (o.plan) return `Plan: ${o.plan}`;
  const label = limits.find((l) => l.resource === o.resource)?.label ?? o.resource ?? "limit";
  return `${label.charAt(0).toUpperCase()}${label.slice(1)}: ${o.limit ?? "—"}`;
}

/** How often the system page asks again (the heartbeats tick every few seconds). */
export const SYSTEM_REFRESH_MS = 5_000;
