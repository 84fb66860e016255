import { useEffect, useState, type FormEvent } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { accounts, listings, type Condition, type Listing, type ListingUpdate } from "../api/endpoints";
import { errorMessage } from "../api/client";
import { AuthImage } from "../components/AuthImage";
import { SoldNotice } from "../components/analytics/Sold";
import { JobProgress } from "../components/JobProgress";
import { CrosslistDialog } from "../components/inventory/CrosslistDialog";
import { useToast } from "../components/toast";
import { Badge, Button, Card, ErrorState, Loading, PageHeader, SelectField, StatusBadge, TextArea, TextField, formatDate } from "../components/ui";

const CONDITIONS: { value: Condition; label: string }[] = [
  { value: "new_with_tags", label: "New with tags" },
  { value: "new_without_tags", label: "New without tags" },
  { value: "very_good", label: "Very good" },
  { value: "good", label: "Good" },
  { value: "satisfactory", label: "Satisfactory" },
];

interface Form {
  title: string;
  description: string;
  price: string;
  currency: string;
  category: string;
  brand: string;
  size: string;
  condition: Condition;
  colours: string;
  keywords: string;
}

type Errors = Partial<Record<keyof Form, string>>;

function toForm(l: Listing): Form {
  return {
    title: l.title,
    description: l.description,
    price: String(l.price),
    currency: l.currency,
    category: l.category,
    brand: l.brand ?? "",
    size: l.size ?? "",
    condition: l.condition,
    colours: l.colours.join(", "),
    keywords: l.keywords.join(", "),
  };
}

const list = (value: string) =>
  value
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);

/** Same rules as the API's ListingUpdate; the server checks again. */
export function validateDraft(form: Form): Errors {
  const errors: Errors = {};
  if (!form.title.trim()) errors.title = "A title is required";
  else if (form.title.length > 100) errors.title = "At most 100 characters";
  if (form.description.length > 5000) errors.description = "At most 5000 characters";
  const price = Number(form.price);
  if (form.price.trim() === "" || !Number.isFinite(price)) errors.price = "Enter a price, e.g. 12.50";
  else if (price < 0 || price > 1_000_000) errors.price = "Between 0 and 1,000,000";
  if (!/^[A-Z]{3}$/.test(form.currency)) errors.currency = "Three capital letters, e.g. EUR";
  if (form.brand.length > 100) errors.brand = "At most 100 characters";
  if (form.size.length > 100) errors.size = "At most 100 characters";
  if (list(form.colours).length > 10) errors.colours = "At most 10 colours";
  if (list(form.keywords).length > 20) errors.keywords = "At most 20 keywords";
  return errors;
}

function PublishPanel({ listing }: { listing: Listing }) {
  const toast = useToast();
  const queryClient = useQueryClient();
  const [accountId, setAccountId] = useState("");
  const [jobId, setJobId] = useState<string | null>(null);
  const available = useQuery({ queryKey: ["accounts", "list", { limit: 100 }], queryFn: () => accounts.list({ limit: 100 }), retry: false });
  const publish = useMutation({
    mutationFn: () => listings.publish(listing.id, accountId),
    onSuccess: (job) => {
      setJobId(job.id);
      void queryClient.invalidateQueries({ queryKey: ["jobs"] });
      toast.show("Publishing…");
    },
    onError: (error) => toast.error(errorMessage(error)),
  });
  const items = available.data?.items ?? [];
  const chosen = items.find((a) => a.id === accountId);
  return (
    <Card title="Publish">
      <div className="space-y-3">
        {listing.status === "published" && (
          <p className="text-sm">
            Published
            {listing.platform_url ? (
              <>
                {" "}
                at{" "}
                <a className="break-all text-indigo-600 underline dark:text-indigo-400" href={listing.platform_url} target="_blank" rel="noreferrer">
                  {listing.platform_url}
                </a>
              </>
            ) : null}
            .
          </p>
        )}
        {available.isPending ? (
          <Loading label="Loading accounts…" />
        ) : available.isError ? (
          <ErrorState error={available.error} onRetry={() => available.refetch()} />
        ) : items.length === 0 ? (
          <p className="text-sm text-slate-600 dark:text-slate-400">
            No platform account yet. <Link className="text-indigo-600 underline dark:text-indigo-400" to="/accounts">Add one</Link> to publish.
          </p>
        ) : (
          <>
            <SelectField label="Account" value={accountId} onChange={(e) => setAccountId(e.target.value)}>
              <option value="">Choose an account</option>
              {items.map((a) => (
                <option key={a.id} value={a.id} disabled={a.status !== "active"}>
                  {a.platform_title} · {a.label || a.login}
                  {a.status !== "active" ? ` (${a.status.replace("_", " ")})` : ""}
                  {a.driver_verified ? "" : " — unverified driver"}
                </option>
              ))}
            </SelectField>
            {chosen && !chosen.driver_verified && (
              <p className="text-xs text-amber-700 dark:text-amber-300">
                <Badge tone="amber">unverified driver</Badge> This platform's driver has not been checked against the live site; publishing may fail.
              </p>
            )}
            <Button onClick={() => publish.mutate()} busy={publish.isPending} disabled={!accountId}>
              {listing.status === "published" ? "Publish again" : "Publish"}
            </Button>
          </>
        )}
        {jobId && <JobProgress jobId={jobId} title="Publishing" />}
      </div>
    </Card>
  );
}

export function DraftEditorPage() {
  const { id = "" } = useParams();
  const navigate = useNavigate();
  const toast = useToast();
  const queryClient = useQueryClient();
  const listing = useQuery({ queryKey: ["listings", "one", id], queryFn: () => listings.get(id) });
  const categories = useQuery({ queryKey: ["categories"], queryFn: listings.categories, staleTime: Infinity });
  const [form, setForm] = useState<Form | null>(null);
  const [errors, setErrors] = useState<Errors>({});
  const [crosslisting, setCrosslisting] = useState(false);

  useEffect(() => {
    if (listing.data && form === null) setForm(toForm(listing.data));
  }, [listing.data, form]);

  const save = useMutation({
    mutationFn: (body: ListingUpdate) => listings.update(id, body),
    onSuccess: (updated) => {
      queryClient.setQueryData(["listings", "one", id], updated);
      setForm(toForm(updated));
      void queryClient.invalidateQueries({ queryKey: ["listings", "list"] });
      // What each platform would receive changed with it.
      void queryClient.invalidateQueries({ queryKey: ["crosslist-preview", id] });
      void queryClient.invalidateQueries({ queryKey: ["inventory"] });
      toast.success("Draft saved");
    },
    onError: (error) => toast.error(errorMessage(error)),
  });
  const duplicate = useMutation({
    mutationFn: () => listings.duplicate(id),
    onSuccess: (copy) => {
      void queryClient.invalidateQueries({ queryKey: ["listings"] });
      toast.success("Duplicated");
      setForm(null);
      navigate(`/drafts/${copy.id}`);
    },
    onError: (error) => toast.error(errorMessage(error)),
  });
  const remove = useMutation({
    mutationFn: () => listings.remove(id),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ["listings"] });
      toast.success("Deleted");
      navigate("/drafts");
    },
    onError: (error) => toast.error(errorMessage(error)),
  });

  if (listing.isPending) return <Loading />;
  if (listing.isError) return <ErrorState error={listing.error} onRetry={() => listing.refetch()} />;
  if (!form) return <Loading />;
  const data = listing.data;

  const field = <K extends keyof Form>(key: K) => ({
    value: form[key],
    error: errors[key],
    onChange: (e: { target: { value: string } }) => setForm({ ...form, [key]: e.target.value }),
  });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const found = validateDraft(form);
    setErrors(found);
    if (Object.keys(found).length) {
      toast.error("Check the highlighted fields");
      return;
    }
    save.mutate({
      title: form.title.trim(),
      description: form.description,
      price: Number(form.price),
      currency: form.currency,
      category: form.category,
      brand: form.brand.trim() || null,
      size: form.size.trim() || null,
      condition: form.condition,
      colours: list(form.colours),
      keywords: list(form.keywords),
    });
  };

  return (
    <>
      <PageHeader title="Edit draft">
        {data.status !== "sold" && <Button onClick={() => setCrosslisting(true)}>Crosslist…</Button>}
        <Link to={`/inventory/${data.id}`} className="rounded-md border border-slate-300 bg-white px-3 py-2 text-sm font-medium hover:bg-slate-50 dark:border-slate-700 dark:bg-slate-900 dark:hover:bg-slate-800">
          In inventory
        </Link>
        <Button variant="secondary" busy={duplicate.isPending} onClick={() => duplicate.mutate()}>
          Duplicate
        </Button>
        <Button
          variant="danger"
          busy={remove.isPending}
          onClick={() => {
            if (window.confirm("Delete this draft?")) remove.mutate();
          }}
        >
          Delete
        </Button>
      </PageHeader>
      <div className="grid gap-6 lg:grid-cols-3">
        <form onSubmit={submit} noValidate className="space-y-4 lg:col-span-2" aria-label="Draft">
          <Card>
            <SoldNotice listing={data} />
            <div className="mb-4 flex flex-wrap items-center gap-2 text-sm text-slate-500 dark:text-slate-400">
              <StatusBadge status={data.status} />
              {data.ai_provider && <Badge tone="blue">AI: {data.ai_provider}</Badge>}
              <span>Updated {formatDate(data.updated_at)}</span>
            </div>
            <div className="space-y-4">
              <TextField label="Title" maxLength={100} required {...field("title")} />
              <TextArea label="Description" rows={6} {...field("description")} />
              <div className="grid gap-4 sm:grid-cols-3">
                <TextField label="Price" inputMode="decimal" {...field("price")} />
                <TextField label="Currency" maxLength={3} {...field("currency")} onChange={(e) => setForm({ ...form, currency: e.target.value.toUpperCase() })} />
                <SelectField label="Condition" value={form.condition} onChange={(e) => setForm({ ...form, condition: e.target.value as Condition })}>
                  {CONDITIONS.map((c) => (
                    <option key={c.value} value={c.value}>
                      {c.label}
                    </option>
                  ))}
                </SelectField>
              </div>
              <div className="grid gap-4 sm:grid-cols-3">
                <SelectField label="Category" value={form.category} onChange={(e) => setForm({ ...form, category: e.target.value })}>
                  {!categories.data?.includes(form.category) && <option value={form.category}>{form.category}</option>}
                  {categories.data?.map((c) => (
                    <option key={c} value={c}>
                      {c}
                    </option>
                  ))}
                </SelectField>
                <TextField label="Brand" {...field("brand")} />
                <TextField label="Size" {...field("size")} />
              </div>
              <TextField label="Colours" hint="Separated by commas" {...field("colours")} />
              <TextField label="Keywords" hint="Separated by commas" {...field("keywords")} />
            </div>
            <div className="mt-6 flex gap-2">
              <Button type="submit" busy={save.isPending}>
                Save
              </Button>
              <Button variant="ghost" onClick={() => { setForm(toForm(data)); setErrors({}); }}>
                Discard changes
              </Button>
            </div>
          </Card>
        </form>
        <div className="space-y-6">
          <Card title="Photos">
            {data.media_ids.length === 0 ? (
              <p className="text-sm text-slate-500">No photos</p>
            ) : (
              <ul className="grid grid-cols-2 gap-2">
                {data.media_ids.map((m, i) => (
                  <li key={m}>
                    <AuthImage mediaId={m} alt={`Photo ${i + 1} of ${data.title}`} className="aspect-square w-full rounded" />
                  </li>
                ))}
              </ul>
            )}
          </Card>
          <PublishPanel listing={data} />
        </div>
      </div>
      {crosslisting && <CrosslistDialog item={data} onClose={() => setCrosslisting(false)} />}
    </>
  );
}
