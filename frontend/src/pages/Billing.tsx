import { useMutation, useQuery } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { billing, type Billing } from "../api/endpoints";
import { ApiError, errorMessage } from "../api/client";
import { useAuth } from "../lib/auth";
import { QuotaBars } from "../components/jobs";
import { useToast } from "../components/toast";
import { Badge, Button, Card, Empty, ErrorState, Loading, PageHeader, formatDate } from "../components/ui";

type Plan = Billing["plans"][number];

/** What each plan's limit reads as on a card (the API's usage labels speak of "this month"). */
const CARD_LABELS: Record<string, string> = {
  platform_accounts: "platform accounts",
  ai_generations: "AI generations a month",
  active_rules: "active automation rules",
  concurrent_jobs: "concurrent jobs",
  seats: "seats",
};

export function formatPrice(amount: number, currency: string): string {
  try {
    return new Intl.NumberFormat(undefined, { style: "currency", currency, maximumFractionDigits: 0 }).format(amount);
  } catch {
    return `${amount} ${currency}`;
  }
}

/** One plan: its price a month, its limits, and what the workspace uses now next to each. */
export function PlanCard({ plan, billingInfo, children }: { plan: Plan; billingInfo: Billing; children?: ReactNode }) {
  const current = plan.name === billingInfo.plan;
  const used = new Map(billingInfo.limits.map((l) => [l.resource, l.used]));
  return (
    <section
      aria-labelledby={`plan-${plan.name}`}
      data-testid={`plan-${plan.name}`}
      className={`flex min-w-0 flex-col rounded-lg border bg-white p-4 shadow-sm dark:bg-slate-900 ${current ? "border-indigo-500 ring-1 ring-indigo-500" : "border-slate-200 dark:border-slate-800"}`}
    >
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h3 id={`plan-${plan.name}`} className="text-base font-semibold">
          {plan.title}
        </h3>
        {current && <Badge tone="blue">Current plan</Badge>}
      </div>
      <p className="mt-2" data-testid={`plan-${plan.name}-price`}>
        <span className="text-2xl font-semibold">{formatPrice(plan.monthly_price, plan.currency)}</span>
        <span className="text-sm text-slate-500 dark:text-slate-400"> / month</span>
      </p>
      <ul className="mt-3 flex-1 space-y-1 text-sm">
        {plan.limits.map((l) => (
          <li key={l.resource} className="flex flex-wrap justify-between gap-x-2" data-testid={`plan-${plan.name}-${l.resource}`}>
            <span>
              <span className="font-medium tabular-nums">{l.limit.toLocaleString()}</span> {CARD_LABELS[l.resource] ?? l.label}
            </span>
            {used.has(l.resource) && (
              <span className={`tabular-nums ${(used.get(l.resource) ?? 0) > l.limit ? "text-rose-600 dark:text-rose-400" : "text-slate-500 dark:text-slate-400"}`}>
                you use {used.get(l.resource)}
              </span>
            )}
          </li>
        ))}
      </ul>
      {children && <div className="mt-4">{children}</div>}
    </section>
  );
}

export function BillingPage() {
  const { canManage } = useAuth();
  const toast = useToast();
  const info = useQuery({ queryKey: ["billing"], queryFn: billing.get, enabled: canManage });
  const go = (url: string) => window.location.assign(url);
  const checkout = useMutation({ mutationFn: billing.checkout, onSuccess: (r) => go(r.url), onError: (e) => toast.error(errorMessage(e)) });
  const portal = useMutation({ mutationFn: billing.portal, onSuccess: (r) => go(r.url), onError: (e) => toast.error(errorMessage(e)) });

  if (!canManage) {
    return (
      <>
        <PageHeader title="Billing" />
        <Empty title="Only owners and admins manage billing" />
      </>
    );
  }
  if (info.isPending) return <Loading />;
  if (info.isError)
    return info.error instanceof ApiError && info.error.status === 403 ? (
      <Empty title="Only owners and admins manage billing" />
    ) : (
      <ErrorState error={info.error} onRetry={() => info.refetch()} />
    );
  const b = info.data;
  return (
    <>
      <PageHeader title="Billing" />
      <div className="grid gap-6 lg:grid-cols-2">
        <Card title="Your plan">
          <p className="text-2xl font-semibold" data-testid="plan-title">
            {b.plan_title}
          </p>
          <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
            Subscription: <Badge>{b.status}</Badge>
            {b.current_period_end && <> · renews {formatDate(b.current_period_end)}</>}
            {b.cancel_at_period_end && <> · ends at period end</>}
          </p>
          {!b.configured && (
            <p className="mt-3 rounded bg-amber-50 p-2 text-sm text-amber-800 dark:bg-amber-950 dark:text-amber-200">
              Payments are not set up on this server: everyone is on the free plan.
            </p>
          )}
          {b.plan !== "free" && (
            <Button className="mt-4" variant="secondary" busy={portal.isPending} disabled={!b.configured} onClick={() => portal.mutate()}>
              Manage subscription
            </Button>
          )}
        </Card>
        <Card title={`Usage · ${b.period}`}>
          <QuotaBars limits={b.limits} />
        </Card>
      </div>
      <h2 className="mb-3 mt-8 text-lg font-semibold">Plans</h2>
      <div className="grid gap-4 md:grid-cols-3" data-testid="plan-cards">
        {b.plans.map((p, index) => {
          const currentIndex = b.plans.findIndex((x) => x.name === b.plan);
          const upgrade = index > currentIndex && (p.name === "pro" || p.name === "business") && b.plan === "free";
          return (
            <PlanCard key={p.name} plan={p} billingInfo={b}>
              {upgrade && (
                <Button busy={checkout.isPending && checkout.variables === p.name} disabled={!b.configured} onClick={() => checkout.mutate(p.name as "pro" | "business")}>
                  Upgrade to {p.title}
                </Button>
              )}
              {index > currentIndex && b.plan !== "free" && (
                <Button variant="secondary" busy={portal.isPending} disabled={!b.configured} onClick={() => portal.mutate()}>
                  Change plan
                </Button>
              )}
            </PlanCard>
          );
        })}
      </div>
      <p className="mt-3 text-xs text-slate-500 dark:text-slate-400">Prices are shown for information; the amount charged is the one on the checkout page.</p>
    </>
  );
}
