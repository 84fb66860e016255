/**
 * Step 3: review the written posts as cards: edit a caption inline, regenerate, drop or put
 * back, replace the media with the user's own photos or video (dropped on the card), or add a post
 * written by hand.
 */
import { useState, type FormEvent } from "react";
import { useDropzone } from "react-dropzone";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { campaigns, type Campaign, type Post, type PostUpdate } from "../../api/campaigns";
import { media } from "../../api/endpoints";
import { errorMessage } from "../../api/client";
import { campaignFieldErrors } from "../../lib/campaignForms";
import { AuthImage } from "../AuthImage";
import { useToast } from "../toast";
import { Badge, Button, Card, Empty, ErrorState, Loading, StatusBadge, TextArea } from "../ui";
import { usePostsQuery } from "./hooks";

/** What POST /media takes (it checks the content again): photos, or a video. */
const ACCEPT = {
  "image/jpeg": [".jpg", ".jpeg"],
  "image/png": [".png"],
  "image/webp": [".webp"],
  "video/mp4": [".mp4"],
  "video/webm": [".webm"],
  "video/quicktime": [".mov"],
};
const MAX_MEDIA = 10;

async function uploadAll(files: File[]): Promise<string[]> {
  const { items } = await media.upload(files);
  return items.map((m) => m.id);
}

/** A drop zone for the user's own photos or video: uploads them, then hands their media ids over. */
export function MediaDrop({ label, onUploaded, disabled = false }: { label: string; onUploaded: (ids: string[]) => void; disabled?: boolean }) {
  const toast = useToast();
  const [busy, setBusy] = useState(false);
  const { getRootProps, getInputProps, isDragActive } = useDropzone({
    accept: ACCEPT,
    maxFiles: MAX_MEDIA,
    disabled: disabled || busy,
    onDropRejected: (rejections) => toast.error(rejections[0]?.errors[0]?.message ?? "Those files cannot be used"),
    onDropAccepted: async (files) => {
      setBusy(true);
      try {
        onUploaded(await uploadAll(files));
      } catch (e) {
        toast.error(errorMessage(e));
      } finally {
        setBusy(false);
      }
    },
  });
  return (
    <div
      {...getRootProps()}
      data-testid="media-drop"
      className={`cursor-pointer rounded-md border-2 border-dashed px-3 py-2 text-center text-xs transition ${
        isDragActive ? "border-indigo-500 bg-indigo-50 dark:bg-indigo-950" : "border-slate-300 text-slate-500 dark:border-slate-700 dark:text-slate-400"
      }`}
    >
      <input {...getInputProps()} aria-label={label} />
      {busy ? "Uploading…" : isDragActive ? "Drop to attach" : "Drop your photos or a video here, or click to choose"}
    </div>
  );
}

function PostCard({ campaignId, post }: { campaignId: string; post: Post }) {
  const toast = useToast();
  const queryClient = useQueryClient();
  const [caption, setCaption] = useState(post.caption);
  const [error, setError] = useState<string | null>(null);
  const [mediaError, setMediaError] = useState<string | null>(null);
  // A caption rewritten on the server (regenerate) replaces the box's text unless the user is editing it.
  const [seen, setSeen] = useState(post.caption);
  if (post.caption !== seen) {
    setSeen(post.caption);
    if (caption === seen) setCaption(post.caption);
  }
  const refresh = () => queryClient.invalidateQueries({ queryKey: ["campaigns", campaignId] });
  const patch = useMutation({
    mutationFn: (body: PostUpdate) => campaigns.updatePost(campaignId, post.id, body),
    onSuccess: (_, body) => {
      setError(null);
      setMediaError(null);
      toast.success(body.caption !== undefined ? "Caption saved" : body.media_ids ? "Media attached" : body.dropped ? "Post dropped" : "Post put back");
      void refresh();
    },
    onError: (e) => {
      const found = campaignFieldErrors(e);
      setError(found.fields.caption ?? null);
      setMediaError(found.fields.media_ids ?? null);
      if (!found.fields.caption && !found.fields.media_ids) toast.error(found.other ?? errorMessage(e));
    },
  });
  const regenerate = useMutation({
    mutationFn: () => campaigns.regenerate(campaignId, post.id),
    onSuccess: () => {
      toast.show("Rewriting the post…");
      void refresh();
    },
    onError: (e) => toast.error(errorMessage(e)),
  });
  const dropped = post.status === "dropped";
  const editable = post.status === "draft" || dropped;
  const dirty = caption !== post.caption;
  const n = post.position + 1;
  return (
    <li className={`flex flex-col overflow-hidden rounded-lg border bg-white dark:bg-slate-900 ${dropped ? "border-dashed border-slate-300 opacity-60 dark:border-slate-700" : "border-slate-200 dark:border-slate-800"}`} data-testid="review-card">
      {post.media_ids[0] ? (
        <AuthImage mediaId={post.media_ids[0]} alt={`Media of post ${n}`} className="aspect-video w-full" />
      ) : (
        <div className="flex aspect-video w-full items-center justify-center bg-slate-100 text-xs text-slate-500 dark:bg-slate-800 dark:text-slate-400">
          {post.content_state === "pending" && post.with_image ? "Drawing the image…" : "No media"}
        </div>
      )}
      <div className="flex flex-1 flex-col gap-2 p-3">
        <p className="flex flex-wrap items-center gap-2 text-xs">
          <span className="font-semibold">Post {n}</span>
          {post.topic && <span className="truncate text-slate-500">{post.topic}</span>}
          <StatusBadge status={post.status} />
          {post.source !== "generated" && <Badge>{post.source}</Badge>}
          {post.media_ids.length > 1 && <Badge>{post.media_ids.length} files</Badge>}
        </p>
        {post.content_state === "pending" ? (
          <p className="animate-pulse text-sm text-slate-500">Writing…</p>
        ) : post.content_state === "failed" && !post.caption ? (
          <p className="text-sm text-rose-600 dark:text-rose-400" data-testid="content-error">
            {post.content_error || "AI could not write this post"}
          </p>
        ) : (
          <TextArea label={`Caption of post ${n}`} rows={5} maxLength={2200} value={caption} error={error} disabled={!editable} onChange={(e) => setCaption(e.target.value)} />
        )}
        <div className="mt-auto flex flex-wrap gap-2">
          {dirty && (
            <Button busy={patch.isPending && patch.variables?.caption !== undefined} onClick={() => patch.mutate({ caption })}>
              Save caption
            </Button>
          )}
          {post.source === "generated" && editable && !dropped && (
            <Button variant="secondary" busy={regenerate.isPending} disabled={post.content_state === "pending"} onClick={() => regenerate.mutate()}>
              Regenerate
            </Button>
          )}
          {editable && (
            <Button variant="ghost" busy={patch.isPending && patch.variables?.dropped !== undefined} onClick={() => patch.mutate({ dropped: !dropped })}>
              {dropped ? "Put back" : "Drop"}
            </Button>
          )}
        </div>
        {editable && !dropped && <MediaDrop label={`Your own photos or video for post ${n}`} onUploaded={(ids) => patch.mutate({ media_ids: ids.slice(0, MAX_MEDIA) })} />}
        {mediaError && (
          <p role="alert" className="text-xs text-rose-600 dark:text-rose-400">
            {mediaError}
          </p>
        )}
      </div>
    </li>
  );
}

function AddPostForm({ campaignId }: { campaignId: string }) {
  const toast = useToast();
  const queryClient = useQueryClient();
  const [caption, setCaption] = useState("");
  const [mediaIds, setMediaIds] = useState<string[]>([]);
  const [error, setError] = useState<string | null>(null);
  const add = useMutation({
    mutationFn: () => campaigns.addPost(campaignId, { caption: caption.trim(), media_ids: mediaIds, topic: "" }),
    onSuccess: () => {
      toast.success("Post added");
      setCaption("");
      setMediaIds([]);
      void queryClient.invalidateQueries({ queryKey: ["campaigns", campaignId] });
    },
    onError: (e) => {
      const found = campaignFieldErrors(e);
      setError(found.fields.caption ?? null);
      if (!found.fields.caption) toast.error(found.other ?? errorMessage(e));
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!caption.trim()) return setError("Write the caption");
    add.mutate();
  };
  return (
    <form aria-label="Add a post by hand" onSubmit={submit} noValidate className="space-y-3">
      <TextArea label="Caption" rows={3} maxLength={2200} value={caption} error={error} onChange={(e) => (setCaption(e.target.value), setError(null))} />
      <MediaDrop label="Photos for the new post" onUploaded={(ids) => setMediaIds((m) => [...m, ...ids].slice(0, MAX_MEDIA))} />
      {mediaIds.length > 0 && <p className="text-xs text-slate-500">{mediaIds.length} photo{mediaIds.length === 1 ? "" : "s"} attached</p>}
      <Button type="submit" busy={add.isPending}>
        Add post
      </Button>
    </form>
  );
}

export function ReviewGrid({ campaign, onNext }: { campaign: Campaign; onNext: () => void }) {
  const posts = usePostsQuery(campaign.id);
  const [adding, setAdding] = useState(false);
  const list = posts.data?.items ?? [];
  const kept = list.filter((p) => p.status !== "dropped" && p.content_state === "ready").length;
  return (
    <div className="space-y-6">
      <Card>
        <div className="flex flex-wrap items-center justify-between gap-3">
          <p className="text-sm" data-testid="review-summary">
            {kept} post{kept === 1 ? "" : "s"} ready to post{list.length > kept ? ` · ${list.length - kept} dropped, failed or still being written` : ""}
          </p>
          <div className="flex gap-2">
            <Button variant="secondary" aria-expanded={adding} onClick={() => setAdding((a) => !a)}>
              Add a post by hand
            </Button>
            <Button onClick={onNext} disabled={kept === 0}>
              Choose accounts
            </Button>
          </div>
        </div>
        {adding && (
          <div className="mt-4">
            <AddPostForm campaignId={campaign.id} />
          </div>
        )}
      </Card>
      {posts.isPending ? (
        <Loading />
      ) : posts.isError ? (
        <ErrorState error={posts.error} onRetry={() => posts.refetch()} />
      ) : list.length === 0 ? (
        <Empty title="No posts yet">Generate some in the previous step, or add one by hand.</Empty>
      ) : (
        <ul className="grid gap-4 sm:grid-cols-2 xl:grid-cols-3" aria-label="Posts to review">
          {list.map((p) => (
            <PostCard key={p.id} campaignId={campaign.id} post={p} />
          ))}
        </ul>
      )}
    </div>
  );
}
