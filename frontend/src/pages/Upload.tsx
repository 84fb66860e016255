import { useCallback, useEffect, useRef, useState, type DragEvent } from "react";
import { useSearchParams } from "react-router";
import { useQueryClient } from "@tanstack/react-query";
import { listings, media } from "../api/endpoints";
import { errorMessage } from "../api/client";
import { JobProgress } from "../components/JobProgress";
import { useToast } from "../components/toast";
import type { JobSummary } from "../lib/jobs";
import { Button, PageHeader } from "../components/ui";

const ACCEPTED = ["image/jpeg", "image/png", "image/webp"];
const MAX_BYTES = 15 * 1024 * 1024;
const MAX_FILES = 50;
const PARALLEL_UPLOADS = 3;

type FileState = "ready" | "uploading" | "uploaded" | "duplicate" | "error";

interface PickedFile {
  id: string;
  file: File;
  preview: string;
  state: FileState;
  error?: string;
  mediaId?: string;
}

let counter = 0;

/** Checks the browser can make before sending anything; the server checks content again. */
export function checkFile(file: File): string | null {
  if (!ACCEPTED.includes(file.type)) return "Not a JPEG, PNG or WebP image";
  if (file.size > MAX_BYTES) return "Larger than 15 MB";
  if (file.size === 0) return "Empty file";
  return null;
}

export function UploadPage() {
  const [files, setFiles] = useState<PickedFile[]>([]);
  const [dragging, setDragging] = useState(false);
  const [busy, setBusy] = useState(false);
  /** the photos being sent, counted when the upload starts: the button keeps its number meanwhile */
  const [sending, setSending] = useState(0);
  /** the "Making N drafts…" toast, replaced by the outcome when the job ends */
  const making = useRef<number | null>(null);
  const [params, setParams] = useSearchParams();
  const jobId = params.get("job");
  const input = useRef<HTMLInputElement>(null);
  const toast = useToast();
  const queryClient = useQueryClient();

  // Free the previews when the page goes away.
  const filesRef = useRef(files);
  filesRef.current = files;
  useEffect(() => () => filesRef.current.forEach((f) => URL.revokeObjectURL(f.preview)), []);
  useEffect(
    () => () => {
      if (making.current !== null) toast.dismiss(making.current);
    },
    [toast],
  );

  const onFinished = useCallback(
    (summary: JobSummary) => {
      if (making.current === null) return;
      toast.dismiss(making.current);
      making.current = null;
      if (summary.label === "succeeded") toast.success(`${summary.done} draft${summary.done === 1 ? "" : "s"} ready`);
      else if (summary.tone === "red") toast.error(`Making drafts ${summary.label}`);
      else toast.show(`Drafts made: ${summary.label}`);
    },
    [toast],
  );

  const add = (list: FileList | File[]) => {
    const incoming = Array.from(list);
    setFiles((current) => {
      const room = MAX_FILES - current.length;
      if (incoming.length > room) toast.error(`At most ${MAX_FILES} photos at once`);
      const picked = incoming.slice(0, Math.max(0, room)).map<PickedFile>((file) => {
        const error = checkFile(file);
        return { id: `f${++counter}`, file, preview: URL.createObjectURL(file), state: error ? "error" : "ready", error: error ?? undefined };
      });
      return [...current, ...picked];
    });
  };

  const remove = (id: string) =>
    setFiles((current) => {
      const gone = current.find((f) => f.id === id);
      if (gone) URL.revokeObjectURL(gone.preview);
      return current.filter((f) => f.id !== id);
    });

  const update = (id: string, patch: Partial<PickedFile>) =>
    setFiles((current) => current.map((f) => (f.id === id ? { ...f, ...patch } : f)));

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    if (e.dataTransfer?.files?.length) add(e.dataTransfer.files);
  };

  const start = async () => {
    const todo = files.filter((f) => f.state === "ready" || (f.state === "error" && !checkFile(f.file)));
    const already = files.filter((f) => f.state === "uploaded" && f.mediaId);
    if (!todo.length && !already.length) return;
    setBusy(true);
    setSending(todo.length + already.length);
    const ids: string[] = already.map((f) => f.mediaId!);
    // One request per photo, a few at a time: each photo gets its own result or error.
    const queue = [...todo];
    const worker = async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        update(next.id, { state: "uploading", error: undefined });
        try {
          const [item] = (await media.upload([next.file])).items;
          if (!item) throw new Error("No result for this photo");
          if (item.duplicate_of) {
            update(next.id, { state: "duplicate", mediaId: item.id, error: "Already uploaded in this workspace; skipped" });
          } else {
            update(next.id, { state: "uploaded", mediaId: item.id });
            ids.push(item.id);
          }
        } catch (error) {
          update(next.id, { state: "error", error: errorMessage(error) });
        }
      }
    };
    await Promise.all(Array.from({ length: PARALLEL_UPLOADS }, worker));
    try {
      if (ids.length === 0) {
        toast.error("No photo could be used; see the errors below");
        return;
      }
      const job = await listings.analyze(ids);
      setParams({ job: job.id });
      void queryClient.invalidateQueries({ queryKey: ["jobs"] });
      if (making.current !== null) toast.dismiss(making.current);
      making.current = toast.show(`Making ${ids.length} draft${ids.length === 1 ? "" : "s"}…`, "info", { sticky: true });
      setFiles((current) => {
        const keep = current.filter((f) => f.state === "error" || f.state === "duplicate");
        current.filter((f) => !keep.includes(f)).forEach((f) => URL.revokeObjectURL(f.preview));
        return keep;
      });
    } catch (error) {
      toast.error(errorMessage(error));
    } finally {
      setBusy(false);
    }
  };

  const usable = files.filter((f) => f.state === "ready" || f.state === "uploaded").length;

  return (
    <>
      <PageHeader title="New drafts from photos" />
      <div className="space-y-6">
        <div
          data-testid="dropzone"
          onDragOver={(e) => {
            e.preventDefault();
            setDragging(true);
          }}
          onDragLeave={() => setDragging(false)}
          onDrop={onDrop}
          className={`flex flex-col items-center justify-center gap-3 rounded-lg border-2 border-dashed p-8 text-center transition ${
            dragging ? "border-indigo-500 bg-indigo-50 dark:bg-indigo-950" : "border-slate-300 dark:border-slate-700"
          }`}
        >
          <p className="font-medium">Drop product photos here</p>
          <p className="text-sm text-slate-500 dark:text-slate-400">JPEG, PNG or WebP, up to 15 MB each. One draft per photo.</p>
          <Button variant="secondary" onClick={() => input.current?.click()}>
            Choose photos
          </Button>
          <label htmlFor="photo-input" className="sr-only">
            Photos
          </label>
          <input
            id="photo-input"
            ref={input}
            type="file"
            accept={ACCEPTED.join(",")}
            multiple
            className="sr-only"
            onChange={(e) => {
              if (e.target.files) add(e.target.files);
              e.target.value = "";
            }}
          />
        </div>

        {files.length > 0 && (
          <div className="space-y-3">
            <ul className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-5" aria-label="Selected photos">
              {files.map((f) => (
                <li key={f.id} data-testid="picked-file" data-state={f.state} className="overflow-hidden rounded-lg border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
                  <img src={f.preview} alt={f.file.name} className="aspect-square w-full object-cover" />
                  <div className="space-y-1 p-2 text-xs">
                    <p className="truncate font-medium" title={f.file.name}>
                      {f.file.name}
                    </p>
                    <p
                      className={
                        f.state === "error" ? "text-rose-600 dark:text-rose-400" : f.state === "duplicate" ? "text-amber-700 dark:text-amber-300" : "text-slate-500 dark:text-slate-400"
                      }
                      role={f.state === "error" ? "alert" : undefined}
                    >
                      {f.error ?? { ready: "Ready", uploading: "Uploading…", uploaded: "Uploaded", duplicate: "Duplicate", error: "Error" }[f.state]}
                    </p>
                    {f.state !== "uploading" && (
                      <button type="button" className="text-slate-600 underline dark:text-slate-300" onClick={() => remove(f.id)} aria-label={`Remove ${f.file.name}`}>
                        Remove
                      </button>
                    )}
                  </div>
                </li>
              ))}
            </ul>
            <div className="flex flex-wrap gap-2">
              <Button onClick={start} busy={busy} disabled={usable === 0}>
                {busy ? `Uploading ${sending} photo${sending === 1 ? "" : "s"}…` : `Upload and make ${usable} draft${usable === 1 ? "" : "s"}`}
              </Button>
              <Button variant="ghost" disabled={busy} onClick={() => files.forEach((f) => remove(f.id))}>
                Clear
              </Button>
            </div>
          </div>
        )}

        {jobId && <JobProgress jobId={jobId} title="Making drafts" onFinished={onFinished} />}
      </div>
    </>
  );
}
