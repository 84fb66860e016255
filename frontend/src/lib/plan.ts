/** The plan's limit on one resource, from billing usage (visible to owners and admins only). */
import { useQuery } from "@tanstack/react-query";
import { billing, type Billing } from "../api/endpoints";

export interface PlanLimit {
  resource: string;
  label: string;
  limit: number;
  used: number;
  planTitle: string;
  atLimit: boolean;
}

export function planLimit(info: Billing | undefined, resource: string): PlanLimit | null {
  const found = info?.limits.find((l) => l.resource === resource);
  if (!info || !found) return null;
  return { resource, label: found.label, limit: found.limit, used: found.used, planTitle: info.plan_title, atLimit: found.used >= found.limit };
}

/**
 * null while unknown (loading, or a member, to whom billing answers 403): then
 * nothing is disabled and the API still refuses what the plan does not allow.
 */
export function usePlanLimit(resource: string): PlanLimit | null {
  const info = useQuery({ queryKey: ["billing"], queryFn: billing.get, retry: false });
  return planLimit(info.data, resource);
}
