/** Inbox: the accounts' conversations read from the platforms, a thread, replies (a job each) and "sync now". */
import { useEffect, useRef, useState, type FormEvent } from "react";
import { Link, useSearchParams } from "react-router";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { accounts as accountsApi } from "../api/endpoints";
import { errorMessage } from "../api/client";
import { inbox, type Conversation } from "../api/automation";
import { useToast } from "../components/toast";
import { Badge, Button, Card, CheckboxField, Empty, ErrorState, Loading, PageHeader, SelectField, TextArea, formatDate } from "../components/ui";

/** The API's largest page: a longer thread shows its latest messages. */
const THREAD = 100;

/** The latest messages of a conversation, oldest first. */
async function latestMessages(id: string) {
  const first = await inbox.messages(id, { limit: THREAD });
  if (first.total <= THREAD) return first;
  return inbox.messages(id, { limit: THREAD, offset: first.total - THREAD });
}

function Thread({ conversation }: { conversation: Conversation }) {
  const toast = useToast();
  const queryClient = useQueryClient();
  const [text, setText] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [sent, setSent] = useState<string | null>(null);
  const messages = useQuery({ queryKey: ["inbox", "messages", conversation.id], queryFn: () => latestMessages(conversation.id) });
  const marked = useRef<string | null>(null);
  const markRead = useMutation({
    mutationFn: () => inbox.markRead(conversation.id),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ["inbox", "list"] }),
  });
  useEffect(() => {
    if (conversation.unread_count > 0 && marked.current !== conversation.id) {
      marked.current = conversation.id;
      markRead.mutate();
    }
  }, [conversation.id, conversation.unread_count, markRead.mutate]);
  const end = useRef<HTMLDivElement>(null);
  // A block body: Chromium's scrollIntoView returns a promise, which React would take for a cleanup.
  useEffect(() => {
    end.current?.scrollIntoView?.({ block: "end" });
  }, [messages.data]);
  const reply = useMutation({
    mutationFn: (body: string) => inbox.reply(conversation.id, body),
    onSuccess: (job) => {
      setText("");
      setSent(job.id);
      toast.success(`Reply to ${conversation.with_user} is on its way`);
      void queryClient.invalidateQueries({ queryKey: ["jobs"] });
    },
    onError: (e) => setError(errorMessage(e)),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const body = text.trim();
    if (!body) return setError("Write a reply first");
    if (body.length > 2000) return setError("At most 2,000 characters");
    setError(null);
    reply.mutate(body);
  };
  return (
    <Card className="flex min-w-0 flex-col" title={`${conversation.with_user} · ${conversation.account_label}`}>
      <div className="mb-3 max-h-[28rem] space-y-2 overflow-y-auto" data-testid="thread">
        {messages.isPending ? (
          <Loading />
        ) : messages.isError ? (
          <ErrorState error={messages.error} onRetry={() => messages.refetch()} />
        ) : messages.data.items.length === 0 ? (
          <p className="text-sm text-slate-500">No messages synced yet.</p>
        ) : (
          <>
          {messages.data.total > messages.data.items.length && (
            <p className="text-center text-xs text-slate-500">
              The latest {messages.data.items.length} of {messages.data.total} messages
            </p>
          )}
          {messages.data.items.map((m) => (
            <div key={m.id} className={`flex ${m.outgoing ? "justify-end" : "justify-start"}`} data-testid="message">
              <div
                className={`max-w-[80%] rounded-lg px-3 py-2 text-sm ${
                  m.outgoing ? "bg-indigo-600 text-white" : "bg-slate-100 text-slate-900 dark:bg-slate-800 dark:text-slate-100"
                }`}
              >
                <p className="whitespace-pre-wrap break-words [overflow-wrap:anywhere]">{m.body}</p>
                <p className={`mt-1 text-[11px] ${m.outgoing ? "text-indigo-100" : "text-slate-500"}`}>
                  {m.outgoing ? "You" : m.sender} · {formatDate(m.sent_at)}
                </p>
              </div>
            </div>
          ))}
          </>
        )}
        <div ref={end} />
      </div>
      <form onSubmit={submit} className="space-y-2" aria-label={`Reply to ${conversation.with_user}`}>
        <TextArea label="Reply" rows={3} value={text} error={error} onChange={(e) => (setText(e.target.value), setError(null))} />
        <div className="flex flex-wrap items-center gap-3">
          <Button type="submit" busy={reply.isPending}>
            Send
          </Button>
          {sent && (
            <span className="text-xs text-slate-600 dark:text-slate-300" data-testid="reply-job">
              Sending through the platform ·{" "}
              <Link className="text-indigo-600 underline dark:text-indigo-400" to={`/jobs/${sent}`}>
                follow the job
              </Link>
            </span>
          )}
        </div>
      </form>
    </Card>
  );
}

export function InboxPage() {
  const toast = useToast();
  const queryClient = useQueryClient();
  const [params, setParams] = useSearchParams();
  const accountId = params.get("account_id") ?? "";
  const unread = params.get("unread") === "true";
  const selected = params.get("c");
  const query = { account_id: accountId, unread: unread || undefined, limit: 100 };
  const list = useQuery({ queryKey: ["inbox", "list", query], queryFn: () => inbox.list(query), placeholderData: keepPreviousData });
  const accountList = useQuery({ queryKey: ["accounts", "list", { status: "" }], queryFn: () => accountsApi.list({ status: "", limit: 100 }), retry: false });
  const accounts = accountList.data?.items ?? [];
  const update = (changes: Record<string, string | null>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(changes)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    setParams(next, { replace: true });
  };
  const sync = useMutation({
    mutationFn: async () => {
      const ids = accountId ? [accountId] : accounts.filter((a) => a.status === "active").map((a) => a.id);
      if (ids.length === 0) throw new Error("No active account to sync");
      await Promise.all(ids.map((id) => inbox.sync(id)));
      return ids.length;
    },
    onSuccess: (n) => {
      toast.success(n === 1 ? "Syncing the inbox" : `Syncing ${n} accounts' inboxes`);
      void queryClient.invalidateQueries({ queryKey: ["jobs"] });
    },
    onError: (e) => toast.error(errorMessage(e)),
  });
  const conversation = list.data?.items.find((c) => c.id === selected) ?? null;
  const unreadTotal = list.data?.items.reduce((n, c) => n + c.unread_count, 0) ?? 0;
  return (
    <>
      <PageHeader title={unreadTotal ? `Inbox (${unreadTotal} unread)` : "Inbox"}>
        <Button variant="secondary" busy={sync.isPending} disabled={accounts.length === 0} onClick={() => sync.mutate()}>
          Sync now
        </Button>
      </PageHeader>
      <div className="mb-4 flex flex-wrap items-end gap-4">
        <div className="w-64">
          <SelectField label="Account" value={accountId} onChange={(e) => update({ account_id: e.target.value, c: null })}>
            <option value="">All accounts</option>
            {accounts.map((a) => (
              <option key={a.id} value={a.id}>
                {a.label || a.login}
              </option>
            ))}
          </SelectField>
        </div>
        <CheckboxField label="Unread only" checked={unread} onChange={(e) => update({ unread: e.target.checked ? "true" : null })} />
      </div>
      <div className="grid gap-6 lg:grid-cols-[minmax(0,2fr)_minmax(0,3fr)]">
        <Card className="min-w-0">
          {list.isPending ? (
            <Loading />
          ) : list.isError ? (
            <ErrorState error={list.error} onRetry={() => list.refetch()} />
          ) : list.data.items.length === 0 ? (
            <Empty title={unread ? "Nothing unread" : "No conversations yet"}>Sync now reads the accounts' conversations from the platforms.</Empty>
          ) : (
            <ul className="divide-y divide-slate-200 dark:divide-slate-800" data-testid="conversations">
              {list.data.items.map((c) => (
                <li key={c.id} data-testid="conversation">
                  <button
                    type="button"
                    aria-current={c.id === selected ? "true" : undefined}
                    onClick={() => update({ c: c.id })}
                    className={`flex w-full items-start gap-3 rounded-md px-2 py-2 text-left hover:bg-slate-50 dark:hover:bg-slate-800 ${c.id === selected ? "bg-indigo-50 dark:bg-indigo-950" : ""}`}
                  >
                    <span className="min-w-0 flex-1">
                      <span className={`block truncate ${c.unread_count ? "font-semibold" : "font-medium"}`}>{c.with_user}</span>
                      <span className="block truncate text-xs text-slate-500 dark:text-slate-400">{c.last_message}</span>
                      <span className="block text-[11px] text-slate-400">
                        {c.account_label} · {formatDate(c.last_message_at)}
                      </span>
                    </span>
                    {c.unread_count > 0 && (
                      <span aria-label={`${c.unread_count} unread`}>
                        <Badge tone="blue">{c.unread_count}</Badge>
                      </span>
                    )}
                  </button>
                </li>
              ))}
            </ul>
          )}
        </Card>
        {conversation ? <Thread key={conversation.id} conversation={conversation} /> : <Empty title="Choose a conversation" />}
      </div>
    </>
  );
}
