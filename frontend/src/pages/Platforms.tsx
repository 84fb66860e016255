import { useState, type FormEvent, type ReactNode } from "react";
import { useMutation, useQuery, useQueryClient, type UseQueryResult } from "@tanstack/react-query";
import { accounts, profiles, proxies, type Page } from "../api/endpoints";
import type { Account, Proxy } from "../api/platforms";
import { ApiError, errorMessage } from "../api/client";
import { ImportPanel } from "../components/ImportPanel";
import { useToast } from "../components/toast";
import { Badge, Button, Card, Empty, ErrorState, Loading, PageHeader, SelectField, StatusBadge, TextField, formatDate } from "../components/ui";


function notAvailable(error: unknown) {
  return error instanceof ApiError && (error.status === 404 || error.status === 405);
}

/** Loading / error / empty / list, with a friendly note while the server lacks the routes. */
function ListState<T>({ query, empty, children }: { query: UseQueryResult<Page<T>>; empty: string; children: (items: T[]) => ReactNode }) {
  if (query.isPending) return <Loading />;
  if (query.isError)
    return notAvailable(query.error) ? (
      <Empty title="Not available on this server yet">This server does not offer these routes yet.</Empty>
    ) : (
      <ErrorState error={query.error} onRetry={() => query.refetch()} />
    );
  if (query.data.items.length === 0) return <Empty title={empty} />;
  return <>{children(query.data.items)}</>;
}

function AccountRow({ account }: { account: Account }) {
  const toast = useToast();
  const queryClient = useQueryClient();
  const act = useMutation({
    mutationFn: async (kind: "test" | "resume" | "delete"): Promise<void> => {
      if (kind === "test") await accounts.testLogin(account.id);
      else if (kind === "resume") await accounts.resume(account.id);
      else await accounts.remove(account.id);
    },
    onSuccess: (_r, kind) => {
      toast.success(kind === "test" ? "Login test started (see Jobs)" : kind === "resume" ? "Account resumed" : "Account deleted");
      void queryClient.invalidateQueries({ queryKey: ["accounts"] });
      void queryClient.invalidateQueries({ queryKey: ["jobs"] });
    },
    onError: (e) => toast.error(errorMessage(e)),
  });
  return (
    <li className="flex flex-col gap-2 py-3 sm:flex-row sm:items-center" data-testid="account-row">
      <div className="min-w-0 flex-1">
        <p className="flex flex-wrap items-center gap-2 font-medium">
          {account.label || account.login}
          <Badge tone="blue">{account.platform_title}</Badge>
          <StatusBadge status={account.status} />
          {!account.driver_verified && (
            <span title="This platform's driver could not be verified against the real site; it may break.">
              <Badge tone="amber">unverified driver</Badge>
            </span>
          )}
        </p>
        <p className="text-xs text-slate-500 dark:text-slate-400">
          {account.login} · {account.actions_today}/{account.daily_action_cap} actions today · last used {formatDate(account.last_used_at)}
        </p>
        {account.status_reason && <p className="text-xs text-amber-700 dark:text-amber-300">{account.status_reason}</p>}
      </div>
      <div className="flex flex-wrap gap-2">
        <Button variant="secondary" busy={act.isPending && act.variables === "test"} onClick={() => act.mutate("test")}>
          Test login
        </Button>
        {account.status === "needs_attention" && (
          <Button variant="secondary" busy={act.isPending && act.variables === "resume"} onClick={() => act.mutate("resume")}>
            Resume
          </Button>
        )}
        <Button
          variant="ghost"
          onClick={() => {
            if (window.confirm(`Delete ${account.login}?`)) act.mutate("delete");
          }}
        >
          Delete
        </Button>
      </div>
    </li>
  );
}

export function AccountsPage() {
  const toast = useToast();
  const queryClient = useQueryClient();
  const [status, setStatus] = useState("");
  const list = useQuery({ queryKey: ["accounts", "list", { status }], queryFn: () => accounts.list({ status, limit: 100 }), retry: false });
  const platforms = useQuery({ queryKey: ["platforms"], queryFn: accounts.platforms, staleTime: Infinity, retry: false });
  const [form, setForm] = useState({ platform: "sandbox", login: "", password: "", label: "" });
  const create = useMutation({
    mutationFn: () =>
      accounts.create({ platform: form.platform, login: form.login.trim(), label: form.label, ...(form.password ? { password: form.password } : {}) }),
    onSuccess: () => {
      setForm({ ...form, login: "", password: "", label: "" });
      toast.success("Account added");
      void queryClient.invalidateQueries({ queryKey: ["accounts"] });
    },
    onError: (e) => toast.error(errorMessage(e)),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (form.login.trim()) create.mutate();
  };
  return (
    <>
      <PageHeader title="Platform accounts" />
      <div className="grid gap-6 lg:grid-cols-3">
        <Card className="lg:col-span-2">
          <div className="mb-4 max-w-xs">
            <SelectField label="Status" value={status} onChange={(e) => setStatus(e.target.value)}>
              <option value="">Any</option>
              {["active", "needs_attention", "cooldown", "banned", "inactive"].map((s) => (
                <option key={s} value={s}>
                  {s.replace("_", " ")}
                </option>
              ))}
            </SelectField>
          </div>
          <ListState query={list} empty="No accounts yet">
            {(items) => (
              <ul className="divide-y divide-slate-200 dark:divide-slate-800">
                {items.map((a) => (
                  <AccountRow key={a.id} account={a} />
                ))}
              </ul>
            )}
          </ListState>
        </Card>
        <div className="space-y-6">
          <Card title="Add an account">
            <form onSubmit={submit} className="space-y-3">
              <SelectField label="Platform" value={form.platform} onChange={(e) => setForm({ ...form, platform: e.target.value })}>
                {(platforms.data ?? [{ name: "sandbox", title: "Sandbox marketplace", driver_verified: true }]).map((p) => (
                  <option key={p.name} value={p.name}>
                    {p.title}
                    {p.driver_verified ? "" : " (unverified driver)"}
                  </option>
                ))}
              </SelectField>
              <TextField label="Login" required value={form.login} onChange={(e) => setForm({ ...form, login: e.target.value })} />
              <TextField label="Password" type="password" autoComplete="new-password" value={form.password} onChange={(e) => setForm({ ...form, password: e.target.value })} />
              <TextField label="Label" value={form.label} onChange={(e) => setForm({ ...form, label: e.target.value })} />
              <Button type="submit" busy={create.isPending} disabled={!form.login.trim()}>
                Add account
              </Button>
            </form>
          </Card>
          <ImportPanel
            title="Import accounts"
            example={"platform,login,password,label\nsandbox,jane@example.com,secret,Main shop"}
            onImport={async (source) => {
              const report = await accounts.import(source);
              void queryClient.invalidateQueries({ queryKey: ["accounts"] });
              return report;
            }}
          />
        </div>
      </div>
    </>
  );
}

export function ProxiesPage() {
  const toast = useToast();
  const queryClient = useQueryClient();
  const list = useQuery({ queryKey: ["proxies", "list"], queryFn: () => proxies.list({ limit: 100 }), retry: false });
  const [form, setForm] = useState<{ scheme: Proxy["scheme"]; kind: Proxy["kind"]; host: string; port: string; label: string; username: string; password: string }>({
    scheme: "http",
    kind: "datacenter",
    host: "",
    port: "",
    label: "",
    username: "",
    password: "",
  });
  const create = useMutation({
    mutationFn: () =>
      proxies.create({
        scheme: form.scheme,
        kind: form.kind,
        host: form.host.trim(),
        port: Number(form.port),
        label: form.label,
        ...(form.username ? { username: form.username, password: form.password } : {}),
      }),
    onSuccess: () => {
      setForm({ ...form, host: "", port: "", label: "", username: "", password: "" });
      toast.success("Proxy added");
      void queryClient.invalidateQueries({ queryKey: ["proxies"] });
    },
    onError: (e) => toast.error(errorMessage(e)),
  });
  const check = useMutation({
    mutationFn: (id: string) => proxies.healthCheck(id),
    onSuccess: () => toast.success("Health check started (see Jobs)"),
    onError: (e) => toast.error(errorMessage(e)),
  });
  const remove = useMutation({
    mutationFn: (id: string) => proxies.remove(id),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ["proxies"] }),
    onError: (e) => toast.error(errorMessage(e)),
  });
  const portNumber = Number(form.port);
  const portError = form.port && (!Number.isInteger(portNumber) || portNumber < 1 || portNumber > 65535) ? "A port from 1 to 65535" : null;
  return (
    <>
      <PageHeader title="Proxies" />
      <div className="grid gap-6 lg:grid-cols-3">
        <Card className="lg:col-span-2">
          <ListState query={list} empty="No proxies yet">
            {(items) => (
              <ul className="divide-y divide-slate-200 dark:divide-slate-800">
                {items.map((p) => (
                  <li key={p.id} className="flex flex-col gap-2 py-3 sm:flex-row sm:items-center">
                    <div className="min-w-0 flex-1">
                      <p className="flex flex-wrap items-center gap-2 font-medium">
                        {p.label || `${p.host}:${p.port}`} <StatusBadge status={p.status} /> <Badge>{p.kind}</Badge>
                      </p>
                      <p className="text-xs text-slate-500">
                        {p.scheme}://{p.host}:{p.port}
                        {p.latency_ms != null && ` · ${p.latency_ms} ms`} · checked {formatDate(p.last_checked_at)}
                      </p>
                      {p.last_error && <p className="text-xs text-rose-600">{p.last_error}</p>}
                    </div>
                    <div className="flex gap-2">
                      <Button variant="secondary" onClick={() => check.mutate(p.id)}>
                        Check
                      </Button>
                      <Button variant="ghost" onClick={() => window.confirm("Delete this proxy?") && remove.mutate(p.id)}>
                        Delete
                      </Button>
                    </div>
                  </li>
                ))}
              </ul>
            )}
          </ListState>
        </Card>
        <div className="space-y-6">
          <Card title="Add a proxy">
            <form
              className="space-y-3"
              onSubmit={(e) => {
                e.preventDefault();
                if (form.host.trim() && !portError && form.port) create.mutate();
              }}
            >
              <SelectField label="Scheme" value={form.scheme} onChange={(e) => setForm({ ...form, scheme: e.target.value as Proxy["scheme"] })}>
                <option value="http">http</option>
                <option value="https">https</option>
                <option value="socks5">socks5</option>
              </SelectField>
              <SelectField label="Kind" value={form.kind} onChange={(e) => setForm({ ...form, kind: e.target.value as Proxy["kind"] })}>
                <option value="datacenter">datacenter</option>
                <option value="residential">residential</option>
                <option value="mobile">mobile</option>
              </SelectField>
              <TextField label="Host" required value={form.host} onChange={(e) => setForm({ ...form, host: e.target.value })} />
              <TextField label="Port" inputMode="numeric" required value={form.port} error={portError} onChange={(e) => setForm({ ...form, port: e.target.value })} />
              <TextField label="Label" value={form.label} onChange={(e) => setForm({ ...form, label: e.target.value })} />
              <TextField label="Username" value={form.username} onChange={(e) => setForm({ ...form, username: e.target.value })} />
              <TextField label="Password" type="password" value={form.password} onChange={(e) => setForm({ ...form, password: e.target.value })} />
              <Button type="submit" busy={create.isPending} disabled={!form.host.trim() || !form.port || !!portError}>
                Add proxy
              </Button>
            </form>
          </Card>
          <ImportPanel
            title="Import proxies"
            example={"scheme,host,port,username,password,label\nhttp,10.0.0.1,8080,user,pass,Office"}
            onImport={async (source) => {
              const report = await proxies.import(source);
              void queryClient.invalidateQueries({ queryKey: ["proxies"] });
              return report;
            }}
          />
        </div>
      </div>
    </>
  );
}


export function ProfilesPage() {
  const toast = useToast();
  const queryClient = useQueryClient();
  const list = useQuery({ queryKey: ["profiles", "list"], queryFn: () => profiles.list({ limit: 100 }), retry: false });
  const templates = useQuery({ queryKey: ["profiles", "templates"], queryFn: profiles.templates, retry: false });
  const fromTemplate = useMutation({
    mutationFn: (name: string) => profiles.fromTemplate(name),
    onSuccess: (p) => {
      toast.success(`Profile ${p.name} created`);
      void queryClient.invalidateQueries({ queryKey: ["profiles"] });
    },
    onError: (e) => toast.error(errorMessage(e)),
  });
  const remove = useMutation({
    mutationFn: (id: string) => profiles.remove(id),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ["profiles"] }),
    onError: (e) => toast.error(errorMessage(e)),
  });
  return (
    <>
      <PageHeader title="Browser profiles" />
      <div className="grid gap-6 lg:grid-cols-3">
        <Card className="lg:col-span-2">
          <ListState query={list} empty="No browser profiles yet">
            {(items) => (
              <ul className="divide-y divide-slate-200 dark:divide-slate-800">
                {items.map((p) => (
                  <li key={p.id} className="flex items-center gap-2 py-3">
                    <div className="min-w-0 flex-1">
                      <p className="flex items-center gap-2 font-medium">
                        {p.name} {p.is_mobile && <Badge tone="blue">mobile</Badge>} {p.template && <Badge>{p.template}</Badge>}
                      </p>
                      <p className="truncate text-xs text-slate-500" title={p.user_agent}>
                        {p.viewport_width}×{p.viewport_height} · {p.locale} · {p.timezone}
                      </p>
                    </div>
                    <Button variant="ghost" onClick={() => window.confirm(`Delete ${p.name}?`) && remove.mutate(p.id)}>
                      Delete
                    </Button>
                  </li>
                ))}
              </ul>
            )}
          </ListState>
        </Card>
        <Card title="From a template">
          {templates.isPending ? (
            <Loading />
          ) : templates.isError ? (
            notAvailable(templates.error) ? <Empty title="Not available on this server yet" /> : <ErrorState error={templates.error} />
          ) : (templates.data ?? []).length === 0 ? (
            <Empty title="No templates" />
          ) : (
            <ul className="space-y-2">
              {(templates.data ?? []).map((t) => (
                <li key={t.name} className="flex items-center justify-between gap-2">
                  <span className="text-sm">
                    <span className="font-medium">{t.title ?? t.name}</span>
                    <span className="block text-xs text-slate-500">
                      {t.viewport_width}×{t.viewport_height} · {t.locale} · {t.timezone}
                      {t.is_mobile ? " · mobile" : ""}
                    </span>
                  </span>
                  <Button variant="secondary" busy={fromTemplate.isPending && fromTemplate.variables === t.name} onClick={() => fromTemplate.mutate(t.name)}>
                    Create
                  </Button>
                </li>
              ))}
            </ul>
          )}
        </Card>
      </div>
    </>
  );
}
