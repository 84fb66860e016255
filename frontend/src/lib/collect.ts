/** How image collections read to a person: what each status allows, sources and levels explained, counters, the warm-up. */
import type { Account } from "../api/platforms";
import type { JobItem } from "../api/endpoints";
import type { Chunk, Collection, CollectionStatus, ImageStatus, Level, Progress, Source } from "../api/collect";

export const COLLECTION_STATUSES: readonly CollectionStatus[] = ["draft", "running", "stopped", "completed", "failed"];
export const IMAGE_STATUSES: readonly ImageStatus[] = ["approved", "disqualified", "pending", "duplicate", "rejected"];
/** Images a person can approve or disqualify (duplicates and rejected ones hold no file). */
export const KEPT_STATUSES: readonly ImageStatus[] = ["approved", "disqualified", "pending"];

export const SOURCES: readonly { value: Source; label: string; hint: string }[] = [
  { value: "feed_search", label: "Feed search", hint: "The platform's search results for each keyword." },
  { value: "more_like_this", label: "More like this", hint: "What the platform shows as similar to the first result of each keyword." },
  {
    value: "board_ideas",
    label: "Board ideas",
    hint: "Warms the account up first: makes a board named after the collection, saves pins found by the keywords, then reads the board's “more ideas”.",
  },
];

export const LEVELS: readonly { value: Level; label: string; checks: string }[] = [
  { value: "fast", label: "Fast", checks: "The file decodes; minimum size; a supported format; exact and near duplicates." },
  { value: "medium", label: "Medium", checks: "Everything fast checks, plus sharpness (not blurry), aspect ratio and nearly blank images." },
  {
    value: "thorough",
    label: "Thorough",
    checks: "Everything medium checks, plus the AI scores each image 0–1 against the brief: at or above the threshold it is approved, below it disqualified.",
  },
];

export const levelChecks = (level: Level) => LEVELS.find((l) => l.value === level)?.checks ?? "";
export const sourceLabel = (source: Source) => SOURCES.find((s) => s.value === source)?.label ?? source;

/**
 * The sources each platform's driver can crawl (backend `SOURCE_ACTIONS` against each driver's
 * capabilities: Vinted pages its catalogue search only). The API does not say it: a platform's
 * capabilities are not in `PlatformOut`/`AccountOut`. The API still refuses an account that cannot
 * crawl a source (400 naming `sources`).
 */
export const COLLECT_SOURCES: Readonly<Record<string, readonly Source[]>> = {
  sandbox: ["feed_search", "more_like_this", "board_ideas"],
  sandbox_b: ["feed_search", "more_like_this", "board_ideas"], // Sandbox Bazaar: the sandbox's second shop
  pinterest: ["feed_search", "more_like_this", "board_ideas"],
  vinted: ["feed_search"],
};

export interface AccountChoice {
  id: string;
  label: string;
  platform: string;
  verified: boolean;
  status: Account["status"];
  sources: readonly Source[];
}

/** The accounts that can crawl, each marked with whether its platform's driver is verified. */
export function collectAccounts(accounts: Account[]): AccountChoice[] {
  return accounts
    .filter((a) => a.platform in COLLECT_SOURCES)
    .map((a) => ({
      id: a.id,
      label: a.label || a.login,
      platform: a.platform_title || a.platform,
      verified: a.driver_verified,
      status: a.status,
      sources: COLLECT_SOURCES[a.platform] ?? [],
    }))
    .sort((x, y) => x.label.localeCompare(y.label));
}

/** The chosen sources the account's platform cannot crawl. */
export const unsupportedSources = (account: AccountChoice | undefined, sources: readonly Source[]) =>
  account ? sources.filter((s) => !account.sources.includes(s)) : [];

/** "Ana (Sandbox)", "Shop (Pinterest, driver not verified)", "+ needs attention". */
export function accountText(a: AccountChoice): string {
  const notes = [a.platform, ...(a.verified ? [] : ["driver not verified"]), ...(a.status === "active" ? [] : [a.status.replace(/_/g, " ")])];
  return `${a.label} (${notes.join(", ")})`;
}

/** Which controls a collection in this status offers (the API refuses the others with 409). */
export function collectionActions(status: CollectionStatus) {
  return {
    start: status === "draft" || status === "stopped",
    stop: status === "running",
    retry: status === "failed",
    /** keywords, sources, account and chunk size only in a draft; name, brief, maximum and threshold after too */
    editCrawl: status === "draft",
    validate: status !== "running" && status !== "draft",
    remove: status !== "running",
  };
}

/** The start button's words: a stopped collection continues where it stopped. */
export const startLabel = (status: CollectionStatus) => (status === "stopped" ? "Continue" : "Start");

/** "kept 12 of 50" and the share for the progress bar. */
export function keptShare(c: Pick<Collection, "kept" | "max_images">): number {
  return c.max_images > 0 ? Math.min(1, c.kept / c.max_images) : 0;
}

export interface ChunkBar {
  status: Chunk["status"];
  count: number;
  /** 0–100 */
  percent: number;
}

/** The chunk bar's segments in reading order: done, failed, running, waiting (empty ones left out). */
export function chunkSegments(progress: Pick<Progress, "chunks">): ChunkBar[] {
  const c = progress.chunks;
  if (!c.total) return [];
  return (["done", "failed", "running", "waiting"] as const)
    .map((status) => ({ status, count: c[status], percent: (c[status] / c.total) * 100 }))
    .filter((s) => s.count > 0);
}

export interface WarmupStep {
  step: "board" | "pin_saved" | "ideas";
  label: string;
  done: boolean;
  detail: string;
}

interface WarmupResult {
  type?: unknown;
  step?: unknown;
  detail?: unknown;
}

/**
 * The warm-up as a small timeline: the board, the pins saved, the board's ideas read. The board and
 * each pin are items of the crawl job (`warmup:board`, `warmup:pin:…`); the ideas step is reached once
 * a board-ideas chunk exists (or a live `ideas` note arrived).
 */
export function warmupTimeline(
  c: Pick<Collection, "board_id" | "warmup_pins" | "name">,
  items: Pick<JobItem, "key" | "result" | "status">[],
  chunks: Pick<Chunk, "source">[],
  liveIdeas = false,
): WarmupStep[] {
  const results = items.filter((i) => i.key.startsWith("warmup:") && i.status === "done").map((i) => (i.result ?? {}) as WarmupResult);
  const board = results.find((r) => r.step === "board");
  const pins = results.filter((r) => r.step === "pin_saved");
  const ideas = liveIdeas || chunks.some((k) => k.source === "board_ideas");
  const pinNames = pins.map((p) => (typeof p.detail === "string" ? p.detail : "")).filter(Boolean);
  return [
    { step: "board", label: "Board made", done: !!board || !!c.board_id, detail: typeof board?.detail === "string" ? board.detail : c.board_id ? `Board “${c.name}”` : "" },
    {
      step: "pin_saved",
      label: `Pins saved (${pins.length} of ${c.warmup_pins})`,
      done: pins.length >= c.warmup_pins || ideas,
      detail: pinNames.slice(-3).join(", "),
    },
    { step: "ideas", label: "Board ideas read", done: ideas, detail: "" },
  ];
}

/** Keywords typed into the chips field: split on commas and new lines, trimmed, each once (case-insensitive). */
export function addKeywords(current: string[], typed: string): string[] {
  const out = [...current];
  const seen = new Set(current.map((k) => k.toLowerCase()));
  for (const raw of typed.split(/[,\n]/)) {
    const k = raw.replace(/\s+/g, " ").trim();
    if (k && !seen.has(k.toLowerCase())) {
      seen.add(k.toLowerCase());
      out.push(k);
    }
  }
  return out;
}

/** A score as a badge reads it: "0.82"; "—" before it is scored. */
export const scoreText = (score: number | null) => (score === null ? "—" : score.toFixed(2));

/** Badge tone of an image status. */
export function imageTone(status: ImageStatus): "green" | "red" | "amber" | "gray" | "blue" {
  if (status === "approved") return "green";
  if (status === "disqualified") return "red";
  if (status === "duplicate") return "amber";
  if (status === "pending") return "blue";
  return "gray";
}

/**
 * Where arrow keys move the focus in a grid of `count` cells laid out `columns` wide;
 * Home/End go to the first and last. An unknown key answers null (the grid leaves it alone).
 */
export function gridMove(key: string, index: number, count: number, columns: number): number | null {
  if (count === 0) return null;
  const cols = Math.max(1, columns);
  const clamp = (i: number) => Math.max(0, Math.min(count - 1, i));
  switch (key) {
    case "ArrowRight":
      return clamp(index + 1);
    case "ArrowLeft":
      return clamp(index - 1);
    case "ArrowDown":
      return index + cols < count ? index + cols : index;
    case "ArrowUp":
      return index - cols >= 0 ? index - cols : index;
    case "Home":
      return 0;
    case "End":
      return count - 1;
    default:
      return null;
  }
}

/** Bytes as "1.2 MB" / "340 KB". */
export function fileSize(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${bytes} B`;
}

/** Only http(s) links are shown as links (a source URL is whatever the platform gave). */
export const isWebLink = (url: string) => /^https?:\/\//i.test(url);
