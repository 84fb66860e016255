/** Message templates: a list, an editor with insertable variables and a live preview, and the ledger of messages sent. */
import { useEffect, useRef, useState, type FormEvent } from "react";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { ApiError, errorMessage } from "../api/client";
import { templates, type Template } from "../api/automation";
import { useToast } from "../components/toast";
import { Badge, Button, Card, CheckboxField, Empty, ErrorState, Loading, PageHeader, TextArea, TextField, formatDate } from "../components/ui";

export const VARIABLES = ["username", "item_title", "price", "discount_price", "my_name"] as const;

/** The {variables} a body uses that templates do not know, each once. */
export function unknownVariables(body: string): string[] {
  const found = new Set<string>();
  // "{{" and "}}" are literal braces.
  for (const m of body.replace(/\{\{|\}\}/g, "").matchAll(/\{([^{}\s]*)\}/g)) if (!(VARIABLES as readonly string[]).includes(m[1]!)) found.add(m[1]!);
  return [...found];
}

/** The preview of a body, asked of the API a moment after typing stops. */
export function usePreview(body: string, delay = 300): { text: string | null; error: string | null; pending: boolean } {
  const [state, setState] = useState<{ text: string | null; error: string | null; pending: boolean }>({ text: null, error: null, pending: false });
  useEffect(() => {
    if (!body.trim()) {
      setState({ text: null, error: null, pending: false });
      return;
    }
    const controller = new AbortController();
    setState((s) => ({ ...s, pending: true }));
    const timer = window.setTimeout(() => {
      templates.preview(body, undefined, controller.signal).then(
        (p) => setState({ text: p.text, error: null, pending: false }),
        (e: unknown) => {
          if (controller.signal.aborted) return;
          setState({ text: null, error: e instanceof ApiError ? e.detail.replace(/^body\s*:\s*/i, "") : errorMessage(e), pending: false });
        },
      );
    }, delay);
    return () => {
      window.clearTimeout(timer);
      controller.abort();
    };
  }, [body, delay]);
  return state;
}

function TemplateEditor({ template, onDone }: { template: Template | null; onDone: (saved: Template | null) => void }) {
  const toast = useToast();
  const queryClient = useQueryClient();
  const [name, setName] = useState(template?.name ?? "");
  const [body, setBody] = useState(template?.body ?? "Hi {username}! Thanks for liking {item_title}.");
  const [ai, setAi] = useState(template?.ai_variant ?? false);
  const [errors, setErrors] = useState<{ name?: string; body?: string }>({});
  const area = useRef<HTMLTextAreaElement>(null);
  const preview = usePreview(body);
  const unknown = unknownVariables(body);
  const bodyError = errors.body ?? (unknown.length ? `Unknown variable${unknown.length > 1 ? "s" : ""}: ${unknown.map((v) => `{${v}}`).join(", ")}` : preview.error);
  const save = useMutation({
    mutationFn: () => (template ? templates.update(template.id, { name: name.trim(), body, ai_variant: ai }) : templates.create({ name: name.trim(), body, ai_variant: ai })),
    onSuccess: (saved) => {
      toast.success(template ? "Template saved" : "Template created");
      void queryClient.invalidateQueries({ queryKey: ["automation", "templates"] });
      onDone(saved);
    },
    onError: (e) => {
      if (e instanceof ApiError && e.status === 400) {
        const m = /^(name|body)\s*:\s*(.+)$/s.exec(e.detail);
        if (m) return setErrors({ [m[1]!]: m[2]! });
      }
      toast.error(errorMessage(e));
    },
  });
  const insert = (variable: string) => {
    const el = area.current;
    const token = `{${variable}}`;
    const start = el?.selectionStart ?? body.length;
    const end = el?.selectionEnd ?? body.length;
    setBody(body.slice(0, start) + token + body.slice(end));
    setErrors((e) => ({ ...e, body: undefined }));
    window.requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(start + token.length, start + token.length);
    });
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const found: typeof errors = {};
    if (!name.trim()) found.name = "A name is required";
    else if (name.trim().length > 100) found.name = "At most 100 characters";
    if (!body.trim()) found.body = "Write the message";
    else if (body.length > 2000) found.body = "At most 2,000 characters";
    setErrors(found);
    if (!found.name && !found.body && unknown.length === 0) save.mutate();
  };
  return (
    <form aria-label={template ? `Edit ${template.name}` : "New template"} onSubmit={submit} className="space-y-3" data-testid="template-editor" noValidate>
      <TextField label="Name" value={name} error={errors.name} onChange={(e) => (setName(e.target.value), setErrors((x) => ({ ...x, name: undefined })))} />
      <div className="flex flex-wrap gap-2" role="group" aria-label="Insert a variable">
        {VARIABLES.map((v) => (
          <button
            key={v}
            type="button"
            className="rounded-full border border-indigo-300 bg-indigo-50 px-2 py-0.5 font-mono text-xs text-indigo-800 hover:bg-indigo-100 dark:border-indigo-800 dark:bg-indigo-950 dark:text-indigo-200"
            onClick={() => insert(v)}
          >
            {`{${v}}`}
          </button>
        ))}
      </div>
      <TextArea ref={area} label="Message" rows={5} value={body} error={bodyError} onChange={(e) => (setBody(e.target.value), setErrors((x) => ({ ...x, body: undefined })))} />
      <CheckboxField label="AI variant" hint="The AI provider rewrites the message for each recipient (the offline provider keeps it as written)." checked={ai} onChange={(e) => setAi(e.target.checked)} />
      <div className="rounded-md border border-slate-200 bg-slate-50 p-3 text-sm dark:border-slate-800 dark:bg-slate-950" aria-live="polite">
        <p className="mb-1 text-xs font-medium uppercase tracking-wide text-slate-500">Preview {preview.pending && "…"}</p>
        <p className="whitespace-pre-wrap" data-testid="template-preview">
          {preview.text ?? (bodyError ? "" : " ")}
        </p>
      </div>
      <div className="flex gap-2">
        <Button type="submit" busy={save.isPending}>
          {template ? "Save changes" : "Create template"}
        </Button>
        <Button variant="ghost" onClick={() => onDone(null)}>
          Cancel
        </Button>
      </div>
    </form>
  );
}

function Ledger() {
  const [recipient, setRecipient] = useState("");
  const query = { recipient: recipient.trim(), limit: 20 };
  const list = useQuery({ queryKey: ["automation", "ledger", query], queryFn: () => templates.ledger(query), placeholderData: keepPreviousData });
  return (
    <Card title="Messages sent by rules" className="min-w-0">
      <div className="mb-3 max-w-xs">
        <TextField label="Recipient" value={recipient} onChange={(e) => setRecipient(e.target.value)} />
      </div>
      {list.isPending ? (
        <Loading />
      ) : list.isError ? (
        <ErrorState error={list.error} onRetry={() => list.refetch()} />
      ) : list.data.items.length === 0 ? (
        <p className="text-sm text-slate-500 dark:text-slate-400">No messages yet.</p>
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full text-left text-sm" data-testid="ledger">
            <thead className="text-xs uppercase text-slate-500">
              <tr>
                <th className="py-1 pr-3 font-medium">To</th>
                <th className="py-1 pr-3 font-medium">Why</th>
                <th className="py-1 pr-3 font-medium">Message</th>
                <th className="py-1 pr-3 font-medium">Status</th>
                <th className="py-1 font-medium">Sent</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-200 dark:divide-slate-800">
              {list.data.items.map((e) => (
                <tr key={e.id} data-testid="ledger-row">
                  <td className="py-1 pr-3">{e.recipient}</td>
                  <td className="py-1 pr-3">{e.trigger === "liked_item" ? `liked ${e.subject}` : e.trigger.replace(/_/g, " ")}</td>
                  <td className="max-w-xs truncate py-1 pr-3" title={e.body}>
                    {e.body}
                  </td>
                  <td className="py-1 pr-3">
                    <Badge tone={e.status === "sent" ? "green" : e.status === "failed" ? "red" : "gray"}>{e.status}</Badge>
                  </td>
                  <td className="py-1">{formatDate(e.sent_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {list.data.total > list.data.items.length && <p className="mt-2 text-xs text-slate-500">Latest {list.data.items.length} of {list.data.total}</p>}
        </div>
      )}
    </Card>
  );
}

export function TemplatesPage() {
  const toast = useToast();
  const queryClient = useQueryClient();
  const list = useQuery({ queryKey: ["automation", "templates", "list"], queryFn: () => templates.list({ limit: 100 }) });
  const [editing, setEditing] = useState<Template | "new" | null>(null);
  const remove = useMutation({
    mutationFn: (id: string) => templates.remove(id),
    onSuccess: () => {
      toast.success("Template deleted");
      void queryClient.invalidateQueries({ queryKey: ["automation", "templates"] });
    },
    onError: (e) => toast.error(errorMessage(e)),
  });
  return (
    <>
      <PageHeader title="Message templates">
        <Button onClick={() => setEditing("new")} disabled={editing !== null}>
          New template
        </Button>
      </PageHeader>
      <div className="grid gap-6 lg:grid-cols-2">
        <Card className="min-w-0">
          {list.isPending ? (
            <Loading />
          ) : list.isError ? (
            <ErrorState error={list.error} onRetry={() => list.refetch()} />
          ) : list.data.items.length === 0 ? (
            <Empty title="No templates yet">Rules that message followers or likers send one of these.</Empty>
          ) : (
            <ul className="divide-y divide-slate-200 dark:divide-slate-800">
              {list.data.items.map((t) => (
                <li key={t.id} className="flex flex-col gap-2 py-3 sm:flex-row sm:items-start" data-testid="template-row">
                  <div className="min-w-0 flex-1">
                    <p className="flex flex-wrap items-center gap-2 font-medium">
                      {t.name}
                      {t.ai_variant && <Badge tone="blue">AI variant</Badge>}
                    </p>
                    <p className="line-clamp-2 whitespace-pre-wrap text-sm text-slate-600 dark:text-slate-400">{t.body}</p>
                  </div>
                  <div className="flex gap-2">
                    <Button variant="secondary" disabled={editing !== null} onClick={() => setEditing(t)}>
                      Edit
                    </Button>
                    <Button
                      variant="ghost"
                      busy={remove.isPending && remove.variables === t.id}
                      onClick={() => {
                        if (window.confirm(`Delete the template “${t.name}”?`)) remove.mutate(t.id);
                      }}
                    >
                      Delete
                    </Button>
                  </div>
                </li>
              ))}
            </ul>
          )}
        </Card>
        {editing !== null && (
          <Card title={editing === "new" ? "New template" : `Edit ${editing.name}`} className="min-w-0">
            <TemplateEditor key={editing === "new" ? "new" : editing.id} template={editing === "new" ? null : editing} onDone={() => setEditing(null)} />
          </Card>
        )}
      </div>
      <div className="mt-6">
        <Ledger />
      </div>
    </>
  );
}
