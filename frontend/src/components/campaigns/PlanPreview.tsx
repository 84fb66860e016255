/** Who posts what, when: GET /campaigns/{id}/plan, as `start` would assign the posts now (a preview changes nothing). */
import { useQuery } from "@tanstack/react-query";
import { campaigns } from "../../api/campaigns";
import { ApiError, errorMessage } from "../../api/client";
import { planByAccount, snippet } from "../../lib/campaigns";
import { Badge, Card, Loading, formatDate } from "../ui";

export function usePlan(campaignId: string) {
  return useQuery({ queryKey: ["campaigns", campaignId, "plan"], queryFn: () => campaigns.plan(campaignId), retry: false });
}

export function PlanPreview({ campaignId }: { campaignId: string }) {
  const plan = usePlan(campaignId);
  return (
    <Card title="Preview: who posts what, when">
      {plan.isPending ? (
        <Loading label="Planning…" />
      ) : plan.isError ? (
        <p role="alert" className="text-sm text-amber-800 dark:text-amber-200" data-testid="plan-error">
          {plan.error instanceof ApiError && plan.error.status === 400 ? plan.error.detail : errorMessage(plan.error)}
        </p>
      ) : (
        <div className="space-y-4" data-testid="plan-preview">
          <p className="text-sm">
            {plan.data.accounts_matched} account{plan.data.accounts_matched === 1 ? "" : "s"} matched · {plan.data.assignments.length} post
            {plan.data.assignments.length === 1 ? "" : "s"}
            {plan.data.last_post_at ? ` · the last goes out ${formatDate(plan.data.last_post_at)}` : ""}
            {plan.data.seed !== null ? ` · seed ${plan.data.seed}` : ""}
          </p>
          {plan.data.assignments.length > 0 && (
            <>
              <div className="overflow-x-auto">
                <table className="w-full text-left text-sm" aria-label="Posts per account">
                  <thead className="text-xs uppercase text-slate-500">
                    <tr>
                      <th scope="col" className="py-1 pr-3">Account</th>
                      <th scope="col" className="py-1 pr-3">Posts</th>
                      <th scope="col" className="py-1 pr-3">First</th>
                      <th scope="col" className="py-1">Last</th>
                    </tr>
                  </thead>
                  <tbody>
                    {planByAccount(plan.data).map((g) => (
                      <tr key={g.accountId} className="border-t border-slate-200 dark:border-slate-800" data-testid="plan-account">
                        <td className="py-1 pr-3">
                          {g.label} <Badge tone="blue">{g.platform}</Badge>
                        </td>
                        <td className="py-1 pr-3 tabular-nums">{g.assignments.length}</td>
                        <td className="py-1 pr-3">{formatDate(g.first)}</td>
                        <td className="py-1">{formatDate(g.last)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              <details>
                <summary className="cursor-pointer text-sm font-medium">Every post</summary>
                <div className="mt-2 max-h-80 overflow-auto">
                  <table className="w-full text-left text-sm" aria-label="Assignments">
                    <thead className="sticky top-0 bg-white text-xs uppercase text-slate-500 dark:bg-slate-900">
                      <tr>
                        <th scope="col" className="py-1 pr-3">When</th>
                        <th scope="col" className="py-1 pr-3">Account</th>
                        <th scope="col" className="py-1">Post</th>
                      </tr>
                    </thead>
                    <tbody>
                      {[...plan.data.assignments]
                        .sort((a, b) => a.scheduled_at.localeCompare(b.scheduled_at))
                        .map((a) => (
                          <tr key={a.post_id} className="border-t border-slate-200 dark:border-slate-800">
                            <td className="whitespace-nowrap py-1 pr-3">{formatDate(a.scheduled_at)}</td>
                            <td className="py-1 pr-3">{a.account_label}</td>
                            <td className="py-1">
                              {a.position + 1}. {snippet(a.caption)}
                            </td>
                          </tr>
                        ))}
                    </tbody>
                  </table>
                </div>
              </details>
            </>
          )}
        </div>
      )}
    </Card>
  );
}
