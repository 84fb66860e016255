/**
 * Projects and their image collections: collections grouped by project (or one project's, as a
 * filter), filtered by status; projects made, renamed and deleted here; a collection is created at
 * /collections/new and edited at /collections/:id/edit.
 */
import { useState, type FormEvent } from "react";
import { Link, useNavigate, useParams, useSearchParams } from "react-router";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { collections, projects, type Collection, type Project } from "../api/collect";
import { errorMessage } from "../api/client";
import { COLLECTION_STATUSES, keptShare, sourceLabel } from "../lib/collect";
import { collectFieldErrors } from "../lib/collectForms";
import { CollectionForm } from "../components/collect/CollectionForm";
import { useCollection } from "../components/collect/hooks";
import { useToast } from "../components/toast";
import { Button, Card, Empty, ErrorState, Loading, PageHeader, ProgressBar, SelectField, StatusBadge, TextField, formatDate } from "../components/ui";

const PAGE = 50;

function ProjectForm({ project, onDone }: { project?: Project; onDone: (p: Project) => void }) {
  const toast = useToast();
  const queryClient = useQueryClient();
  const [name, setName] = useState(project?.name ?? "");
  const [description, setDescription] = useState(project?.description ?? "");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const save = useMutation({
    mutationFn: () => (project ? projects.update(project.id, { name: name.trim(), description }) : projects.create({ name: name.trim(), description })),
    onSuccess: (saved) => {
      toast.success(project ? "Project saved" : "Project created");
      void queryClient.invalidateQueries({ queryKey: ["projects"] });
      onDone(saved);
    },
    onError: (e) => {
      const found = collectFieldErrors(e);
      setErrors(found.fields);
      if (found.other) toast.error(found.other);
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!name.trim()) return setErrors({ name: "Give the project a name" });
    save.mutate();
  };
  return (
    <form aria-label={project ? `Edit ${project.name}` : "New project"} onSubmit={submit} noValidate className="grid gap-3 sm:grid-cols-[1fr_2fr_auto] sm:items-end">
      <TextField label="Project name" maxLength={100} value={name} error={errors.name} onChange={(e) => setName(e.target.value)} />
      <TextField label="Description" maxLength={4000} value={description} error={errors.description} onChange={(e) => setDescription(e.target.value)} />
      <Button type="submit" busy={save.isPending}>
        {project ? "Save" : "Create project"}
      </Button>
    </form>
  );
}

function ProjectHeader({ project }: { project: Project }) {
  const toast = useToast();
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState(false);
  const remove = useMutation({
    mutationFn: () => projects.remove(project.id),
    onSuccess: () => {
      toast.success("Project deleted");
      void queryClient.invalidateQueries({ queryKey: ["projects"] });
      void queryClient.invalidateQueries({ queryKey: ["collections"] });
    },
    onError: (e) => toast.error(errorMessage(e)),
  });
  if (editing) return <ProjectForm project={project} onDone={() => setEditing(false)} />;
  return (
    <div className="flex flex-wrap items-start justify-between gap-2">
      <div className="min-w-0">
        <h2 className="text-base font-semibold">{project.name}</h2>
        {project.description && <p className="text-sm text-slate-600 dark:text-slate-400">{project.description}</p>}
        <p className="text-xs text-slate-500">
          {project.collections} collection{project.collections === 1 ? "" : "s"}
        </p>
      </div>
      <div className="flex gap-1">
        <Link to={`/collections/new?project=${project.id}`} className="rounded-md px-3 py-2 text-sm font-medium text-indigo-700 hover:bg-slate-100 dark:text-indigo-300 dark:hover:bg-slate-800">
          New collection
        </Link>
        <Button variant="ghost" onClick={() => setEditing(true)}>
          Edit
        </Button>
        <Button
          variant="ghost"
          busy={remove.isPending}
          onClick={() => {
            if (window.confirm(`Delete the project “${project.name}” with its collections and their images?`)) remove.mutate();
          }}
        >
          Delete
        </Button>
      </div>
    </div>
  );
}

function CollectionRow({ c }: { c: Collection }) {
  return (
    <li className="flex flex-col gap-2 py-3 sm:flex-row sm:items-center sm:gap-4" data-testid="collection-row">
      <div className="min-w-0 flex-1">
        <p className="flex flex-wrap items-center gap-2">
          <Link to={`/collections/${c.id}`} className="font-medium text-indigo-700 hover:underline dark:text-indigo-300">
            {c.name}
          </Link>
          <StatusBadge status={c.status} />
        </p>
        <p className="truncate text-xs text-slate-500 dark:text-slate-400">
          {c.keywords.join(", ")} · {c.sources.map(sourceLabel).join(", ")} · created {formatDate(c.created_at)}
        </p>
        {c.status_reason && <p className="text-xs text-amber-800 dark:text-amber-200">{c.status_reason}</p>}
      </div>
      <div className="w-full space-y-1 sm:w-48">
        <ProgressBar value={keptShare(c) * 100} label={`Images kept in ${c.name}`} />
        <p className="text-xs tabular-nums text-slate-600 dark:text-slate-400">
          {c.kept} of {c.max_images} kept
        </p>
      </div>
    </li>
  );
}

export function CollectionsPage() {
  const [params, setParams] = useSearchParams();
  const [adding, setAdding] = useState(false);
  const projectId = params.get("project") ?? "";
  const status = params.get("status") ?? "";
  const offset = Number(params.get("offset") ?? 0) || 0;
  const projectList = useQuery({ queryKey: ["projects", "list", { limit: 100 }], queryFn: () => projects.list({ limit: 100 }) });
  const query = { project_id: projectId, status, limit: PAGE, offset };
  const list = useQuery({ queryKey: ["collections", "list", query], queryFn: () => collections.list(query), placeholderData: keepPreviousData });
  const setParam = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    next.delete("offset");
    setParams(next, { replace: true });
  };
  const all = projectList.data?.items ?? [];
  const shown = projectId ? all.filter((p) => p.id === projectId) : all;
  const byProject = new Map<string, Collection[]>();
  for (const c of list.data?.items ?? []) byProject.set(c.project_id, [...(byProject.get(c.project_id) ?? []), c]);
  return (
    <>
      <PageHeader title="Image collections">
        <Button variant="secondary" onClick={() => setAdding((a) => !a)} aria-expanded={adding}>
          New project
        </Button>
        <Link to={projectId ? `/collections/new?project=${projectId}` : "/collections/new"} className="rounded-md bg-indigo-600 px-3 py-2 text-sm font-medium text-white hover:bg-indigo-500">
          New collection
        </Link>
      </PageHeader>
      {adding && (
        <Card className="mb-4" title="New project">
          <ProjectForm onDone={() => setAdding(false)} />
        </Card>
      )}
      <div className="mb-4 flex flex-wrap items-end gap-4">
        <div className="w-56">
          <SelectField label="Project" value={projectId} onChange={(e) => setParam("project", e.target.value)}>
            <option value="">All projects</option>
            {all.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </SelectField>
        </div>
        <div className="w-44">
          <SelectField label="Status" value={status} onChange={(e) => setParam("status", e.target.value)}>
            <option value="">Any</option>
            {COLLECTION_STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </SelectField>
        </div>
      </div>
      {projectList.isPending || list.isPending ? (
        <Loading />
      ) : projectList.isError ? (
        <ErrorState error={projectList.error} onRetry={() => projectList.refetch()} />
      ) : list.isError ? (
        <ErrorState error={list.error} onRetry={() => list.refetch()} />
      ) : all.length === 0 ? (
        <Empty title="No projects yet">A project groups collections (one dataset, one client). Create one, then a collection in it.</Empty>
      ) : (
        <div className="space-y-4" data-testid="projects">
          {shown.map((p) => {
            const items = byProject.get(p.id) ?? [];
            return (
              <Card key={p.id}>
                <section aria-label={p.name} data-testid="project-group">
                  <ProjectHeader project={p} />
                  {items.length ? (
                    <ul className="mt-2 divide-y divide-slate-200 dark:divide-slate-800">
                      {items.map((c) => (
                        <CollectionRow key={c.id} c={c} />
                      ))}
                    </ul>
                  ) : (
                    <p className="mt-2 text-sm text-slate-500">{status ? `No ${status} collections here.` : "No collections yet."}</p>
                  )}
                </section>
              </Card>
            );
          })}
          {(list.data.total > PAGE || offset > 0) && (
            <nav aria-label="Pages" className="flex items-center justify-center gap-3">
              <Button variant="secondary" disabled={offset === 0} onClick={() => setParams((p) => (p.set("offset", String(Math.max(0, offset - PAGE))), p))}>
                Previous
              </Button>
              <Button variant="secondary" disabled={offset + PAGE >= list.data.total} onClick={() => setParams((p) => (p.set("offset", String(offset + PAGE)), p))}>
                Next
              </Button>
            </nav>
          )}
        </div>
      )}
    </>
  );
}

export function NewCollectionPage() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  return (
    <>
      <PageHeader title="New collection">
        <Link to="/collections" className="self-center text-sm text-indigo-600 underline dark:text-indigo-400">
          All collections
        </Link>
      </PageHeader>
      <CollectionForm projectId={params.get("project") ?? ""} onSaved={(c) => navigate(`/collections/${c.id}`)} />
    </>
  );
}

export function EditCollectionPage() {
  const { id = "" } = useParams();
  const navigate = useNavigate();
  const collection = useCollection(id);
  if (collection.isPending) return <Loading />;
  if (collection.isError) return <ErrorState error={collection.error} onRetry={() => collection.refetch()} />;
  const c = collection.data;
  return (
    <>
      <PageHeader title={`Edit ${c.name}`}>
        <StatusBadge status={c.status} />
        <Link to={`/collections/${c.id}`} className="self-center text-sm text-indigo-600 underline dark:text-indigo-400">
          Back to the collection
        </Link>
      </PageHeader>
      {c.status !== "draft" && (
        <p className="mb-4 text-sm text-slate-600 dark:text-slate-400">The crawl has started: its keywords, sources, account and chunk size stay as they are.</p>
      )}
      <CollectionForm key={c.id} collection={c} onSaved={() => navigate(`/collections/${c.id}`)} />
    </>
  );
}
