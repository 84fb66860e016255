import { useMutation, useQuery } from "@tanstack/react-query";
import { billing } from "../api/endpoints";
import { ApiError, errorMessage } from "../api/client";
import { useAuth } from "../lib/auth";
import { QuotaBars } from "../components/jobs";
import { useToast } from "../components/toast";
import { Badge, Button, Card, Empty, ErrorState, Loading, PageHeader, formatDate } from "../components/ui";

const PLANS: { name: "pro" | "business"; title: string; blurb: string }[] = [
  { name: "pro", title: "Pro", blurb: "More accounts, AI generations and automation rules." },
  { name: "business", title: "Business", blurb: "For teams: the highest limits and more seats." },
];

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
      {b.plan === "free" && (
        <div className="mt-6 grid gap-4 sm:grid-cols-2">
          {PLANS.map((p) => (
            <Card key={p.name} title={p.title}>
              <p className="mb-4 text-sm text-slate-600 dark:text-slate-400">{p.blurb}</p>
              <Button busy={checkout.isPending && checkout.variables === p.name} disabled={!b.configured} onClick={() => checkout.mutate(p.name)}>
                Upgrade to {p.title}
              </Button>
            </Card>
          ))}
        </div>
      )}
    </>
  );
}
