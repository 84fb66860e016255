import { useEffect, useRef, useState, type FormEvent, type ReactNode } from "react";
import { Link, useLocation } from "react-router";
import { useMutation, useQuery, useQueryClient, type UseQueryResult } from "@tanstack/react-query";
import { accounts, profiles, proxies, type Page } from "../api/endpoints";
import type { Account, Profile, Proxy } from "../api/platforms";
import { ApiError, errorMessage } from "../api/client";
import { ImportPanel } from "../components/ImportPanel";
import { usePlanLimit } from "../lib/plan";
import { accountAnchor } from "../lib/paths";
import { useToast } from "../components/toast";
import { Badge, Button, Card, CheckboxField, Empty, ErrorState, Loading, PageHeader, SelectField, StatusBadge, TextArea, TextField, formatDate } from "../components/ui";
import {
  ACCOUNT_FIELDS,
  EMPTY_PROFILE,
  PROFILE_FIELDS,
  accountForm,
  accountPatch,
  fieldErrors,
  parseTags,
  profileForm,
  profilePatch,
  profileValues,
  type AccountField,
  type AccountForm,
  type ProfileField,
  type ProfileForm,
} from "../lib/platformForms";


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

const proxyName = (p: Proxy) => p.label || `${p.host}:${p.port}`;

/** What a started job is, for the row's note and the toast. */
const JOB_STARTED = {
  test: "Login test started: the account logs in (or its stored session is checked)",
  resume: "Resume started: the session is re-checked, then paused work continues",
} as const;

function AccountEditor({
  account,
  proxyList,
  profileList,
  onClose,
}: {
  account: Account;
  proxyList: Proxy[];
  profileList: Profile[];
  onClose: () => void;
}) {
  const toast = useToast();
  const queryClient = useQueryClient();
  const [form, setForm] = useState<AccountForm>(() => accountForm(account));
  const [errors, setErrors] = useState<Partial<Record<AccountField, string>>>({});
  const set = <K extends keyof AccountForm>(key: K, value: AccountForm[K], field: AccountField) => {
    setForm((f) => ({ ...f, [key]: value }));
    setErrors((e) => ({ ...e, [field]: undefined }));
  };
  const save = useMutation({
    mutationFn: (body: Parameters<typeof accounts.update>[1]) => accounts.update(account.id, body),
    onSuccess: () => {
      toast.success("Account saved");
      void queryClient.invalidateQueries({ queryKey: ["accounts"] });
      onClose();
    },
    onError: (e) => {
      const found = fieldErrors(e, ACCOUNT_FIELDS);
      setErrors(found.fields);
      if (found.other) toast.error(found.other);
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const { body, errors: invalid } = accountPatch(account, form);
    setErrors(invalid);
    if (Object.keys(invalid).length > 0) return;
    if (Object.keys(body).length === 0) {
      toast.show("No changes to save");
      onClose();
      return;
    }
    save.mutate(body);
  };
  // The current proxy or profile may be beyond the first page of the lists.
  const proxyMissing = account.proxy_id && !proxyList.some((p) => p.id === account.proxy_id);
  const profileMissing = account.profile_id && !profileList.some((p) => p.id === account.profile_id);
  const automated = form.status === "";
  return (
    <form
      id={`edit-${account.id}`}
      aria-label={`Edit ${account.label || account.login}`}
      onSubmit={submit}
      onKeyDown={(e) => {
        if (e.key === "Escape") {
          e.stopPropagation();
          onClose();
        }
      }}
      className="mt-3 grid gap-3 rounded-md border border-slate-200 bg-slate-50 p-3 sm:grid-cols-2 dark:border-slate-800 dark:bg-slate-950"
      data-testid="account-editor"
      noValidate
    >
      <TextField label="Label" autoFocus maxLength={100} value={form.label} error={errors.label} onChange={(e) => set("label", e.target.value, "label")} />
      <TextField
        label="Daily action cap"
        inputMode="numeric"
        value={form.dailyActionCap}
        error={errors.daily_action_cap}
        hint={`${account.actions_today} used today`}
        onChange={(e) => set("dailyActionCap", e.target.value, "daily_action_cap")}
      />
      <SelectField label="Proxy" value={form.proxyId} error={errors.proxy_id} onChange={(e) => set("proxyId", e.target.value, "proxy_id")}>
        <option value="">None (direct connection)</option>
        {proxyMissing && <option value={account.proxy_id!}>Current proxy</option>}
        {proxyList.map((p) => (
          <option key={p.id} value={p.id}>
            {proxyName(p)} ({p.kind}, {p.status})
          </option>
        ))}
      </SelectField>
      <SelectField label="Browser profile" value={form.profileId} error={errors.profile_id} onChange={(e) => set("profileId", e.target.value, "profile_id")}>
        <option value="">None (default browser look)</option>
        {profileMissing && <option value={account.profile_id!}>Current profile</option>}
        {profileList.map((p) => (
          <option key={p.id} value={p.id}>
            {p.name}
          </option>
        ))}
      </SelectField>
      <SelectField
        label="Status"
        value={form.status}
        error={errors.status}
        hint={automated ? "Set by automation; fix the account, then use Resume. Or choose a status here." : "Inactive accounts do no work."}
        onChange={(e) => set("status", e.target.value as AccountForm["status"], "status")}
      >
        {account.status !== "active" && account.status !== "inactive" && <option value="">Unchanged ({account.status.replace(/_/g, " ")})</option>}
        <option value="active">active</option>
        <option value="inactive">inactive</option>
      </SelectField>
      <TextField
        label="Tags"
        placeholder="fashion, eu"
        value={form.tags}
        error={errors.tags}
        hint="Comma-separated; campaigns pick accounts by tags."
        onChange={(e) => set("tags", e.target.value, "tags")}
      />
      <div className="space-y-2">
        <TextField
          label="New password"
          type="password"
          autoComplete="new-password"
          value={form.password}
          disabled={form.clearPassword}
          error={errors.password}
          hint={account.has_password ? "A password is stored. Leave empty to keep it." : "No password stored. Leave empty to keep none."}
          onChange={(e) => set("password", e.target.value, "password")}
        />
        {account.has_password && (
          <CheckboxField label="Remove the stored password" checked={form.clearPassword} onChange={(e) => set("clearPassword", e.target.checked, "password")} />
        )}
      </div>
      <div className="space-y-2 sm:col-span-2">
        <TextArea
          label="Cookies (JSON)"
          rows={4}
          className="font-mono"
          placeholder='[{"name": "session", "value": "…", "domain": ".example.com", "path": "/", "expirationDate": 1767225600, "httpOnly": true, "secure": true}]'
          value={form.cookies}
          disabled={form.clearCookies}
          error={errors.cookies}
          hint={`Paste the JSON exported from the browser (Cookie-Editor or EditThisCookie: Export → JSON). Stored encrypted and never shown again. ${
            account.has_cookies ? "Cookies are stored; leave empty to keep them." : "No cookies stored."
          }`}
          onChange={(e) => set("cookies", e.target.value, "cookies")}
        />
        {account.has_cookies && (
          <CheckboxField label="Remove the stored cookies" checked={form.clearCookies} onChange={(e) => set("clearCookies", e.target.checked, "cookies")} />
        )}
      </div>
      <div className="flex flex-wrap gap-2 sm:col-span-2">
        <Button type="submit" busy={save.isPending}>
          Save changes
        </Button>
        <Button variant="ghost" onClick={onClose}>
          Cancel
        </Button>
      </div>
    </form>
  );
}

function AccountRow({ account, proxyList, profileList }: { account: Account; proxyList: Proxy[]; profileList: Profile[] }) {
  const toast = useToast();
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState(false);
  const [started, setStarted] = useState<{ kind: "test" | "resume"; jobId: string } | null>(null);
  const editButton = useRef<HTMLButtonElement>(null);
  // An account's address (a paused job's "Resume account") lands on its row.
  const targeted = useLocation().hash === `#${accountAnchor(account.id)}`;
  const row = useRef<HTMLLIElement>(null);
  useEffect(() => {
    if (targeted) row.current?.scrollIntoView?.({ block: "center" });
  }, [targeted]);
  const act = useMutation({
    mutationFn: async (kind: "test" | "resume" | "delete"): Promise<string | null> => {
      if (kind === "test") return (await accounts.testLogin(account.id)).id;
      if (kind === "resume") return (await accounts.resume(account.id)).id;
      await accounts.remove(account.id);
      return null;
    },
    onSuccess: (jobId, kind) => {
      if (kind === "delete") {
        toast.success("Account deleted");
        void queryClient.invalidateQueries({ queryKey: ["accounts"] });
        void queryClient.invalidateQueries({ queryKey: ["billing"] });
        return;
      }
      // A job: the account's status changes when it finishes (the workspace
      // event stream refetches the accounts then).
      toast.success(JOB_STARTED[kind]);
      if (jobId) setStarted({ kind, jobId });
      void queryClient.invalidateQueries({ queryKey: ["jobs"] });
    },
    onError: (e) => toast.error(errorMessage(e)),
  });
  const close = () => {
    setEditing(false);
    editButton.current?.focus();
  };
  const proxy = account.proxy_id ? proxyList.find((p) => p.id === account.proxy_id) : undefined;
  const profile = account.profile_id ? profileList.find((p) => p.id === account.profile_id) : undefined;
  const cooling = account.cooldown_until && new Date(account.cooldown_until).getTime() > Date.now();
  return (
    <li
      ref={row}
      id={accountAnchor(account.id)}
      aria-current={targeted ? "location" : undefined}
      className={`py-3 ${targeted ? "-mx-2 rounded-md px-2 ring-2 ring-amber-400 dark:ring-amber-500" : ""}`}
      data-testid="account-row"
    >
      <div className="flex flex-col gap-2 sm:flex-row sm:items-center">
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
            {account.login} · proxy: {account.proxy_id ? (proxy ? proxyName(proxy) : "another proxy") : "none"} · profile:{" "}
            {account.profile_id ? (profile ? profile.name : "another profile") : "default"}
          </p>
          <p className="text-xs text-slate-500 dark:text-slate-400" data-testid="account-usage">
            <span className="tabular-nums">
              {account.actions_today}/{account.daily_action_cap}
            </span>{" "}
            actions today · last used {formatDate(account.last_used_at)}
            {account.cooldown_until && (cooling ? ` · cooling down until ${formatDate(account.cooldown_until)}` : ` · cooldown ended ${formatDate(account.cooldown_until)}`)}
          </p>
          {account.tags.length > 0 && (
            <p className="mt-1 flex flex-wrap gap-1" aria-label="Tags" data-testid="account-tags">
              {account.tags.map((tag) => (
                <Badge key={tag}>{tag}</Badge>
              ))}
            </p>
          )}
          {account.status_reason && <p className="text-xs text-amber-700 dark:text-amber-300">{account.status_reason}</p>}
          {started && (
            <p className="text-xs text-slate-600 dark:text-slate-300" data-testid="account-job">
              {started.kind === "test" ? "Login test" : "Resume"} started ·{" "}
              <Link className="text-indigo-600 underline dark:text-indigo-400" to={`/jobs/${started.jobId}`}>
                follow the job
              </Link>
            </p>
          )}
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
          <Link
            to={`/inventory?tab=import&account=${account.id}`}
            className="inline-flex items-center rounded-md px-3 py-2 text-sm font-medium text-slate-700 hover:bg-slate-100 dark:text-slate-200 dark:hover:bg-slate-800"
          >
            Import listings
          </Link>
          <Button
            ref={editButton}
            variant="secondary"
            aria-expanded={editing}
            aria-controls={editing ? `edit-${account.id}` : undefined}
            onClick={() => (editing ? close() : setEditing(true))}
          >
            Edit
          </Button>
          <Button
            variant="ghost"
            busy={act.isPending && act.variables === "delete"}
            onClick={() => {
              if (window.confirm(`Delete ${account.login}?`)) act.mutate("delete");
            }}
          >
            Delete
          </Button>
        </div>
      </div>
      {editing && <AccountEditor account={account} proxyList={proxyList} profileList={profileList} onClose={close} />}
    </li>
  );
}

export function AccountsPage() {
  const toast = useToast();
  const queryClient = useQueryClient();
  const [status, setStatus] = useState("");
  const list = useQuery({ queryKey: ["accounts", "list", { status }], queryFn: () => accounts.list({ status, limit: 100 }), retry: false });
  // For the names on each row and the editor's choices (the same queries as the Proxies and Profiles pages).
  const proxyList = useQuery({ queryKey: ["proxies", "list"], queryFn: () => proxies.list({ limit: 100 }), retry: false });
  const profileList = useQuery({ queryKey: ["profiles", "list"], queryFn: () => profiles.list({ limit: 100 }), retry: false });
  const platforms = useQuery({ queryKey: ["platforms"], queryFn: accounts.platforms, staleTime: Infinity, retry: false });
  const [form, setForm] = useState({ platform: "sandbox", login: "", password: "", label: "", tags: "" });
  const newTags = parseTags(form.tags);
  const accountLimit = usePlanLimit("platform_accounts");
  const full = accountLimit?.atLimit ?? false;
  const create = useMutation({
    mutationFn: () =>
      accounts.create({
        platform: form.platform,
        login: form.login.trim(),
        label: form.label,
        ...("tags" in newTags ? { tags: newTags.tags } : {}),
        ...(form.password ? { password: form.password } : {}),
      }),
    onSuccess: () => {
      setForm({ ...form, login: "", password: "", label: "", tags: "" });
      toast.success("Account added");
      void queryClient.invalidateQueries({ queryKey: ["accounts"] });
      void queryClient.invalidateQueries({ queryKey: ["billing"] });
    },
    onError: (e) => toast.error(errorMessage(e)),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (form.login.trim() && "tags" in newTags) create.mutate();
  };
  return (
    <>
      <PageHeader title="Platform accounts" />
      <div className="grid gap-6 lg:grid-cols-3">
        <Card className="min-w-0 lg:col-span-2">
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
                  <AccountRow key={a.id} account={a} proxyList={proxyList.data?.items ?? []} profileList={profileList.data?.items ?? []} />
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
              <TextField
                label="Tags"
                placeholder="fashion, eu"
                hint="Comma-separated; campaigns pick accounts by tags."
                error={"error" in newTags ? newTags.error : undefined}
                value={form.tags}
                onChange={(e) => setForm({ ...form, tags: e.target.value })}
              />
              <Button
                type="submit"
                busy={create.isPending}
                disabled={!form.login.trim() || full}
                title={full ? "Your plan's platform accounts are all in use" : undefined}
                aria-describedby={full ? "account-limit" : undefined}
              >
                Add account
              </Button>
              {full && accountLimit && (
                <p id="account-limit" className="text-sm text-amber-800 dark:text-amber-200" data-testid="account-limit">
                  Your {accountLimit.planTitle} plan allows {accountLimit.limit} platform account{accountLimit.limit === 1 ? "" : "s"}, and{" "}
                  {accountLimit.used} {accountLimit.used === 1 ? "is" : "are"} in use. Delete one, or{" "}
                  <Link className="underline" to="/billing">
                    upgrade your plan
                  </Link>
                  .
                </p>
              )}
            </form>
          </Card>
          <ImportPanel
            title="Import accounts"
            example={"platform,login,password,label,tags\nsandbox,jane@example.com,secret,Main shop,fashion;eu"}
            onImport={async (source) => {
              const report = await accounts.import(source);
              void queryClient.invalidateQueries({ queryKey: ["accounts"] });
              void queryClient.invalidateQueries({ queryKey: ["billing"] });
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
  // Checks are jobs; the workspace event stream refetches the proxies as each one is checked.
  const check = useMutation({
    mutationFn: (id: string) => proxies.healthCheck(id),
    onSuccess: () => {
      toast.success("Health check started: the result shows here when it is done");
      void queryClient.invalidateQueries({ queryKey: ["jobs"] });
    },
    onError: (e) => toast.error(errorMessage(e)),
  });
  const checkAll = useMutation({
    mutationFn: () => proxies.healthCheckAll(),
    onSuccess: (job) => {
      toast.success(`Checking ${job.total === 1 ? "the proxy" : `all ${job.total} proxies`}: results show here as each check is done`);
      void queryClient.invalidateQueries({ queryKey: ["jobs"] });
    },
    onError: (e) => toast.error(errorMessage(e)),
  });
  const remove = useMutation({
    mutationFn: (id: string) => proxies.remove(id),
    onSuccess: () => {
      toast.success("Proxy deleted");
      void queryClient.invalidateQueries({ queryKey: ["proxies"] });
    },
    onError: (e) => toast.error(errorMessage(e)),
  });
  const hasProxies = (list.data?.items.length ?? 0) > 0;
  const portNumber = Number(form.port);
  const portError = form.port && (!Number.isInteger(portNumber) || portNumber < 1 || portNumber > 65535) ? "A port from 1 to 65535" : null;
  return (
    <>
      <PageHeader title="Proxies">
        <Button variant="secondary" busy={checkAll.isPending} disabled={!hasProxies} onClick={() => checkAll.mutate()}>
          Check all
        </Button>
      </PageHeader>
      <div className="grid gap-6 lg:grid-cols-3">
        <Card className="min-w-0 lg:col-span-2">
          <ListState query={list} empty="No proxies yet">
            {(items) => (
              <ul className="divide-y divide-slate-200 dark:divide-slate-800">
                {items.map((p) => (
                  <li key={p.id} className="flex flex-col gap-2 py-3 sm:flex-row sm:items-center" data-testid="proxy-row">
                    <div className="min-w-0 flex-1">
                      <p className="flex flex-wrap items-center gap-2 font-medium">
                        {proxyName(p)} <StatusBadge status={p.status} /> <Badge>{p.kind}</Badge>
                        {p.has_credentials && <Badge>credentials</Badge>}
                      </p>
                      <p className="break-all text-xs text-slate-500 dark:text-slate-400">
                        {p.scheme}://{p.host}:{p.port}
                      </p>
                      <p className="text-xs text-slate-500 dark:text-slate-400" data-testid="proxy-health">
                        latency <span className="tabular-nums">{p.latency_ms != null ? `${p.latency_ms} ms` : "—"}</span> · last checked{" "}
                        {p.last_checked_at ? formatDate(p.last_checked_at) : "never"}
                      </p>
                      {p.last_error && <p className="text-xs text-rose-600 dark:text-rose-400">Last error: {p.last_error}</p>}
                    </div>
                    <div className="flex gap-2">
                      <Button
                        variant="secondary"
                        aria-label={`Check ${proxyName(p)}`}
                        busy={check.isPending && check.variables === p.id}
                        onClick={() => check.mutate(p.id)}
                      >
                        Check
                      </Button>
                      <Button
                        variant="ghost"
                        aria-label={`Delete ${proxyName(p)}`}
                        busy={remove.isPending && remove.variables === p.id}
                        onClick={() => window.confirm(`Delete ${proxyName(p)}?`) && remove.mutate(p.id)}
                      >
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


function ProfileFields({
  form,
  errors,
  onChange,
  autoFocus = false,
}: {
  form: ProfileForm;
  errors: Partial<Record<ProfileField, string>>;
  onChange: (patch: Partial<ProfileForm>, field: ProfileField) => void;
  autoFocus?: boolean;
}) {
  return (
    <>
      <TextField label="Name" required autoFocus={autoFocus} maxLength={100} value={form.name} error={errors.name} onChange={(e) => onChange({ name: e.target.value }, "name")} />
      <TextArea
        label="User agent"
        required
        rows={3}
        className="font-mono text-xs"
        placeholder="Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36"
        value={form.userAgent}
        error={errors.user_agent}
        onChange={(e) => onChange({ userAgent: e.target.value.replace(/[\r\n]+/g, " ") }, "user_agent")}
      />
      <div className="grid grid-cols-2 gap-3">
        <TextField label="Viewport width" inputMode="numeric" value={form.viewportWidth} error={errors.viewport_width} onChange={(e) => onChange({ viewportWidth: e.target.value }, "viewport_width")} />
        <TextField label="Viewport height" inputMode="numeric" value={form.viewportHeight} error={errors.viewport_height} onChange={(e) => onChange({ viewportHeight: e.target.value }, "viewport_height")} />
      </div>
      <div className="grid grid-cols-2 gap-3">
        <TextField label="Locale" placeholder="en-US" value={form.locale} error={errors.locale} onChange={(e) => onChange({ locale: e.target.value }, "locale")} />
        <TextField label="Time zone" placeholder="Europe/Paris" value={form.timezone} error={errors.timezone} onChange={(e) => onChange({ timezone: e.target.value }, "timezone")} />
      </div>
      <CheckboxField label="Mobile (touch, mobile viewport)" checked={form.isMobile} onChange={(e) => onChange({ isMobile: e.target.checked }, "is_mobile")} />
    </>
  );
}

/** Field errors of a failed profile save; a name taken (409) belongs to the name. */
function profileErrors(error: unknown): { fields: Partial<Record<ProfileField, string>>; other: string | null } {
  if (error instanceof ApiError && error.status === 409) return { fields: { name: error.detail }, other: null };
  return fieldErrors(error, PROFILE_FIELDS);
}

function useProfileForm(initial: ProfileForm) {
  const [form, setForm] = useState<ProfileForm>(initial);
  const [errors, setErrors] = useState<Partial<Record<ProfileField, string>>>({});
  const onChange = (patch: Partial<ProfileForm>, field: ProfileField) => {
    setForm((f) => ({ ...f, ...patch }));
    setErrors((e) => ({ ...e, [field]: undefined }));
  };
  return { form, setForm, errors, setErrors, onChange };
}

function CustomProfileCard() {
  const toast = useToast();
  const queryClient = useQueryClient();
  const { form, setForm, errors, setErrors, onChange } = useProfileForm(EMPTY_PROFILE);
  const create = useMutation({
    mutationFn: (values: Parameters<typeof profiles.create>[0]) => profiles.create(values),
    onSuccess: (p) => {
      toast.success(`Profile ${p.name} created`);
      setForm(EMPTY_PROFILE);
      void queryClient.invalidateQueries({ queryKey: ["profiles"] });
    },
    onError: (e) => {
      const found = profileErrors(e);
      setErrors(found.fields);
      if (found.other) toast.error(found.other);
    },
  });
  return (
    <Card title="Custom profile">
      <form
        className="space-y-3"
        noValidate
        data-testid="profile-create"
        onSubmit={(e) => {
          e.preventDefault();
          const { values, errors: invalid } = profileValues(form);
          setErrors(invalid);
          if (Object.keys(invalid).length === 0) create.mutate(values);
        }}
      >
        <ProfileFields form={form} errors={errors} onChange={onChange} />
        <Button type="submit" busy={create.isPending}>
          Create profile
        </Button>
      </form>
    </Card>
  );
}

function ProfileEditor({ profile, onClose }: { profile: Profile; onClose: () => void }) {
  const toast = useToast();
  const queryClient = useQueryClient();
  const { form, errors, setErrors, onChange } = useProfileForm(profileForm(profile));
  const save = useMutation({
    mutationFn: (body: Parameters<typeof profiles.update>[1]) => profiles.update(profile.id, body),
    onSuccess: () => {
      toast.success("Profile saved");
      void queryClient.invalidateQueries({ queryKey: ["profiles"] });
      onClose();
    },
    onError: (e) => {
      const found = profileErrors(e);
      setErrors(found.fields);
      if (found.other) toast.error(found.other);
    },
  });
  return (
    <form
      id={`edit-${profile.id}`}
      aria-label={`Edit ${profile.name}`}
      className="mt-3 space-y-3 rounded-md border border-slate-200 bg-slate-50 p-3 dark:border-slate-800 dark:bg-slate-950"
      noValidate
      data-testid="profile-editor"
      onKeyDown={(e) => {
        if (e.key === "Escape") {
          e.stopPropagation();
          onClose();
        }
      }}
      onSubmit={(e) => {
        e.preventDefault();
        const { body, errors: invalid } = profilePatch(profile, form);
        setErrors(invalid);
        if (Object.keys(invalid).length > 0) return;
        if (Object.keys(body).length === 0) {
          toast.show("No changes to save");
          onClose();
          return;
        }
        save.mutate(body);
      }}
    >
      <ProfileFields form={form} errors={errors} onChange={onChange} autoFocus />
      <div className="flex flex-wrap gap-2">
        <Button type="submit" busy={save.isPending}>
          Save changes
        </Button>
        <Button variant="ghost" onClick={onClose}>
          Cancel
        </Button>
      </div>
    </form>
  );
}

function ProfileRow({ profile: p }: { profile: Profile }) {
  const toast = useToast();
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState(false);
  const editButton = useRef<HTMLButtonElement>(null);
  const remove = useMutation({
    mutationFn: () => profiles.remove(p.id),
    onSuccess: () => {
      toast.success(`Profile ${p.name} deleted`);
      void queryClient.invalidateQueries({ queryKey: ["profiles"] });
      // Accounts that used it fall back to the default look.
      void queryClient.invalidateQueries({ queryKey: ["accounts"] });
    },
    onError: (e) => toast.error(errorMessage(e)),
  });
  const close = () => {
    setEditing(false);
    editButton.current?.focus();
  };
  return (
    <li className="py-3" data-testid="profile-row">
      <div className="flex flex-col gap-2 sm:flex-row sm:items-center">
        <div className="min-w-0 flex-1">
          <p className="flex flex-wrap items-center gap-2 font-medium">
            {p.name} {p.is_mobile && <Badge tone="blue">mobile</Badge>} {p.template && <Badge>{p.template}</Badge>}
          </p>
          <p className="text-xs text-slate-500 dark:text-slate-400">
            {p.viewport_width}×{p.viewport_height} · {p.locale} · {p.timezone}
          </p>
          <p className="truncate text-xs text-slate-500 dark:text-slate-400" title={p.user_agent}>
            {p.user_agent}
          </p>
        </div>
        <div className="flex flex-wrap gap-2">
          <Button
            ref={editButton}
            variant="secondary"
            aria-label={`Edit ${p.name}`}
            aria-expanded={editing}
            aria-controls={editing ? `edit-${p.id}` : undefined}
            onClick={() => (editing ? close() : setEditing(true))}
          >
            Edit
          </Button>
          <Button
            variant="ghost"
            aria-label={`Delete ${p.name}`}
            busy={remove.isPending}
            onClick={() => window.confirm(`Delete ${p.name}? Accounts using it fall back to the default browser look.`) && remove.mutate()}
          >
            Delete
          </Button>
        </div>
      </div>
      {editing && <ProfileEditor profile={p} onClose={close} />}
    </li>
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
  return (
    <>
      <PageHeader title="Browser profiles" />
      <div className="grid gap-6 lg:grid-cols-3">
        <Card className="min-w-0 lg:col-span-2">
          <ListState query={list} empty="No browser profiles yet">
            {(items) => (
              <ul className="divide-y divide-slate-200 dark:divide-slate-800">
                {items.map((p) => (
                  <ProfileRow key={p.id} profile={p} />
                ))}
              </ul>
            )}
          </ListState>
        </Card>
        <div className="space-y-6">
          <Card title="From a template">
            {templates.isPending ? (
              <Loading />
            ) : templates.isError ? (
              notAvailable(templates.error) ? <Empty title="Not available on this server yet" /> : <ErrorState error={templates.error} onRetry={() => templates.refetch()} />
            ) : (templates.data ?? []).length === 0 ? (
              <Empty title="No templates" />
            ) : (
              <ul className="space-y-2">
                {(templates.data ?? []).map((t) => (
                  <li key={t.name} className="flex items-center justify-between gap-2">
                    <span className="text-sm">
                      <span className="font-medium">{t.title ?? t.name}</span>
                      <span className="block text-xs text-slate-500 dark:text-slate-400">
                        {t.viewport_width}×{t.viewport_height} · {t.locale} · {t.timezone}
                        {t.is_mobile ? " · mobile" : ""}
                      </span>
                    </span>
                    <Button
                      variant="secondary"
                      aria-label={`Create from ${t.title ?? t.name}`}
                      busy={fromTemplate.isPending && fromTemplate.variables === t.name}
                      onClick={() => fromTemplate.mutate(t.name)}
                    >
                      Create
                    </Button>
                  </li>
                ))}
              </ul>
            )}
          </Card>
          <CustomProfileCard />
        </div>
      </div>
    </>
  );
}
