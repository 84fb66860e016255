/** Automation: the rules of each account, their schedule and last outcome; create, edit, run now, pause, resume, delete. */
import { useRef, useState } from "react";
import { Link } from "react-router";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { accounts as accountsApi } from "../api/endpoints";
import type { Account } from "../api/platforms";
import { errorMessage } from "../api/client";
import { rules, type Rule } from "../api/automation";
import { RuleEditor } from "../components/RuleEditor";
import { useToast } from "../components/toast";
import { Badge, Button, Card, Empty, ErrorState, Loading, PageHeader, StatusBadge, formatDate } from "../components/ui";
import { kindName, outcomeTone, scheduleText, summaryText } from "../lib/automation";
import { accountPath } from "../lib/paths";
import { usePlanLimit } from "../lib/plan";

type Action = "run" | "pause" | "resume" | "delete";

const DONE: Record<Action, string> = {
  run: "Run started",
  pause: "Rule paused",
  resume: "Rule resumed",
  delete: "Rule deleted",
};

export function RuleRow({ rule, accounts }: { rule: Rule; accounts: Account[] }) {
  const toast = useToast();
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState(false);
  const [started, setStarted] = useState<string | null>(null);
  const editButton = useRef<HTMLButtonElement>(null);
  const act = useMutation({
    mutationFn: async (action: Action): Promise<string | null> => {
      if (action === "run") return (await rules.run(rule.id)).id;
      if (action === "pause") await rules.pause(rule.id);
      else if (action === "resume") await rules.resume(rule.id);
      else await rules.remove(rule.id);
      return null;
    },
    onSuccess: (jobId, action) => {
      toast.success(DONE[action]);
      if (jobId) setStarted(jobId);
      void queryClient.invalidateQueries({ queryKey: ["automation"] });
      if (action !== "run") void queryClient.invalidateQueries({ queryKey: ["billing"] });
      else void queryClient.invalidateQueries({ queryKey: ["jobs"] });
    },
    onError: (e) => toast.error(errorMessage(e)),
  });
  const close = () => {
    setEditing(false);
    editButton.current?.focus();
  };
  const summary = summaryText(rule.last_summary);
  const busy = (a: Action) => act.isPending && act.variables === a;
  return (
    <li className="py-3" data-testid="rule-row">
      <div className="flex flex-col gap-2 sm:flex-row sm:items-start">
        <div className="min-w-0 flex-1 space-y-0.5">
          <p className="flex flex-wrap items-center gap-2 font-medium">
            {rule.name}
            <Badge tone="blue">{kindName(rule.kind)}</Badge>
            <StatusBadge status={rule.status} />
          </p>
          {rule.pause_reason && rule.status === "paused" && (
            <p className="text-xs text-amber-800 dark:text-amber-200" data-testid="rule-pause-reason">
              {rule.pause_reason}
            </p>
          )}
          <p className="text-xs text-slate-500 dark:text-slate-400">
            {scheduleText(rule)} · <span className="tabular-nums">{rule.actions_today}/{rule.daily_cap}</span> actions today
          </p>
          <p className="text-xs text-slate-500 dark:text-slate-400" data-testid="rule-next">
            {rule.status === "active" ? `Next run ${formatDate(rule.next_run_at)}` : rule.status === "completed" ? "Completed: nothing left to do" : "Not scheduled while paused"}
          </p>
          {rule.last_run_at && (
            <p className="flex flex-wrap items-center gap-x-2 text-xs" data-testid="rule-last">
              <span className="text-slate-500 dark:text-slate-400">Last run {formatDate(rule.last_run_at)}</span>
              {rule.last_outcome && <Badge tone={outcomeTone(rule.last_outcome)}>{rule.last_outcome}</Badge>}
              {summary && <span>{summary}</span>}
              {rule.last_job_id && (
                <Link className="text-indigo-700 underline dark:text-indigo-300" to={`/automation/runs?rule_id=${rule.id}`}>
                  history
                </Link>
              )}
            </p>
          )}
          {started && (
            <p className="text-xs text-slate-600 dark:text-slate-300" data-testid="rule-job">
              Running now ·{" "}
              <Link className="text-indigo-600 underline dark:text-indigo-400" to={`/jobs/${started}`}>
                follow the run
              </Link>
            </p>
          )}
        </div>
        <div className="flex flex-wrap gap-2">
          <Button variant="secondary" busy={busy("run")} disabled={rule.status === "completed"} onClick={() => act.mutate("run")}>
            Run now
          </Button>
          {rule.status === "active" ? (
            <Button variant="secondary" busy={busy("pause")} onClick={() => act.mutate("pause")}>
              Pause
            </Button>
          ) : (
            <Button variant="secondary" busy={busy("resume")} onClick={() => act.mutate("resume")}>
              Resume
            </Button>
          )}
          <Button ref={editButton} variant="secondary" aria-expanded={editing} onClick={() => (editing ? close() : setEditing(true))}>
            Edit
          </Button>
          <Button
            variant="ghost"
            busy={busy("delete")}
            onClick={() => {
              if (window.confirm(`Delete the rule “${rule.name}”? Its run history stays in Jobs.`)) act.mutate("delete");
            }}
          >
            Delete
          </Button>
        </div>
      </div>
      {editing && (
        <div className="mt-3">
          <RuleEditor rule={rule} accounts={accounts} onClose={close} />
        </div>
      )}
    </li>
  );
}

interface Group {
  accountId: string;
  label: string;
  platform: string;
  account?: Account;
  rules: Rule[];
}

/** Rules per account, in the order the accounts are listed (then any account not listed). */
export function groupByAccount(list: Rule[], accounts: Account[]): Group[] {
  const groups = new Map<string, Group>();
  for (const a of accounts) groups.set(a.id, { accountId: a.id, label: a.label || a.login, platform: a.platform_title, account: a, rules: [] });
  for (const r of list) {
    let g = groups.get(r.account_id);
    if (!g) {
      g = { accountId: r.account_id, label: r.account_label, platform: r.platform, rules: [] };
      groups.set(r.account_id, g);
    }
    g.rules.push(r);
  }
  return [...groups.values()].filter((g) => g.rules.length > 0);
}

export function AutomationPage() {
  const list = useQuery({ queryKey: ["automation", "rules", "list"], queryFn: () => rules.list({ limit: 100 }) });
  const accountList = useQuery({ queryKey: ["accounts", "list", { status: "" }], queryFn: () => accountsApi.list({ status: "", limit: 100 }), retry: false });
  const [creating, setCreating] = useState<string | null>(null);
  const limit = usePlanLimit("active_rules");
  const accounts = accountList.data?.items ?? [];
  const groups = list.data ? groupByAccount(list.data.items, accounts) : [];
  return (
    <>
      <PageHeader title="Automation">
        <Link to="/automation/runs" className="self-center text-sm text-indigo-600 underline dark:text-indigo-400">
          Run history
        </Link>
        <Link to="/automation/templates" className="self-center text-sm text-indigo-600 underline dark:text-indigo-400">
          Message templates
        </Link>
        <Button onClick={() => setCreating("")} disabled={creating !== null || accounts.length === 0}>
          New rule
        </Button>
      </PageHeader>
      {limit && (
        <p className="mb-4 text-sm text-slate-600 dark:text-slate-400" data-testid="rules-usage">
          {limit.used} of {limit.limit} active rules on your {limit.planTitle} plan
        </p>
      )}
      {accountList.isSuccess && accounts.length === 0 && (
        <Empty title="Add a platform account first">
          Rules act as one of your accounts.{" "}
          <Link className="underline" to="/accounts">
            Accounts
          </Link>
        </Empty>
      )}
      {creating !== null && (
        <Card title="New rule" className="mb-6">
          <RuleEditor accounts={accounts} defaultAccountId={creating} onClose={() => setCreating(null)} />
        </Card>
      )}
      {list.data && list.data.total > list.data.items.length && (
        <p className="mb-4 text-sm text-amber-800 dark:text-amber-200">
          The first {list.data.items.length} of {list.data.total} rules are shown; filter the run history by account to see the others' runs.
        </p>
      )}
      {list.isPending ? (
        <Loading />
      ) : list.isError ? (
        <ErrorState error={list.error} onRetry={() => list.refetch()} />
      ) : groups.length === 0 ? (
        accounts.length > 0 && <Empty title="No rules yet">Create one to bump, relist, follow, message, drop prices or publish on a schedule.</Empty>
      ) : (
        <div className="space-y-6">
          {groups.map((g) => (
            <Card key={g.accountId} className="min-w-0">
              <div className="mb-2 flex flex-wrap items-center gap-2" data-testid="rule-group">
                <h2 className="text-base font-semibold">{g.label}</h2>
                <Badge tone="blue">{g.platform}</Badge>
                {g.account && g.account.status !== "active" && <StatusBadge status={g.account.status} />}
                {g.account?.status === "needs_attention" && (
                  <Link className="text-xs underline" to={accountPath(g.accountId)}>
                    Resume account
                  </Link>
                )}
                <Button variant="ghost" className="ml-auto" disabled={creating !== null} onClick={() => setCreating(g.accountId)}>
                  Add a rule
                </Button>
              </div>
              <ul className="divide-y divide-slate-200 dark:divide-slate-800">
                {g.rules.map((r) => (
                  <RuleRow key={r.id} rule={r} accounts={accounts} />
                ))}
              </ul>
            </Card>
          ))}
        </div>
      )}
    </>
  );
}
