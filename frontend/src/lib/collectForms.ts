/**
 * The collection form: its values as typed, checked the way the API checks them (so a person
 * sees the problem next to the field before sending), the create body and the edit patch, and
 * the API's field errors mapped back onto the form's fields.
 */
import type { Collection, CollectionIn, CollectionUpdate, Level, Source } from "../api/collect";
import { apiFieldErrors, nearestField } from "./fieldErrors";
import { collectionActions } from "./collect";

export type FormErrors = Record<string, string>;

export interface CollectionForm {
  projectId: string;
  name: string;
  brief: string;
  keywords: string[];
  sources: Source[];
  accountId: string;
  maxImages: string;
  level: Level;
  threshold: number;
  chunkSize: string;
  warmupPins: string;
}

export const emptyCollection = (projectId = ""): CollectionForm => ({
  projectId,
  name: "",
  brief: "",
  keywords: [],
  sources: ["feed_search"],
  accountId: "",
  maxImages: "100",
  level: "fast",
  threshold: 0.5,
  chunkSize: "20",
  warmupPins: "5",
});

export const collectionForm = (c: Collection): CollectionForm => ({
  projectId: c.project_id,
  name: c.name,
  brief: c.brief,
  keywords: [...c.keywords],
  sources: [...c.sources],
  accountId: c.account_id ?? "",
  maxImages: String(c.max_images),
  level: c.validation_level,
  threshold: c.threshold,
  chunkSize: String(c.chunk_size),
  warmupPins: String(c.warmup_pins),
});

function whole(value: string, field: string, label: string, min: number, max: number, errors: FormErrors): number {
  const n = Number(value.trim());
  if (!value.trim() || !Number.isInteger(n) || n < min || n > max) errors[field] = `${label} must be a whole number from ${min} to ${max.toLocaleString("en")}`;
  return n;
}

/** The create body, or the problems by API field name. */
export function collectionValues(form: CollectionForm): { body: CollectionIn; errors: FormErrors } {
  const errors: FormErrors = {};
  const name = form.name.replace(/\s+/g, " ").trim();
  if (!name) errors.name = "Give the collection a name";
  if (!form.projectId) errors.project_id = "Choose a project";
  if (form.keywords.length === 0) errors.keywords = "Add at least one keyword";
  if (form.keywords.length > 50) errors.keywords = "At most 50 keywords";
  if (form.sources.length === 0) errors.sources = "Choose at least one source";
  if (!form.accountId) errors.account_id = "Choose the account that collects";
  const maxImages = whole(form.maxImages, "max_images", "The maximum", 1, 10_000, errors);
  const chunkSize = whole(form.chunkSize, "chunk_size", "The chunk size", 1, 200, errors);
  const warmupPins = whole(form.warmupPins, "warmup_pins", "Pins saved", 0, 50, errors);
  if (!(form.threshold >= 0 && form.threshold <= 1)) errors.threshold = "The threshold is between 0 and 1";
  const body: CollectionIn = {
    project_id: form.projectId,
    name,
    brief: form.brief.trim(),
    keywords: form.keywords,
    sources: form.sources,
    account_id: form.accountId,
    max_images: maxImages,
    validation_level: form.level,
    threshold: form.threshold,
    chunk_size: chunkSize,
    warmup_pins: warmupPins,
  };
  return { body, errors };
}

/**
 * What changed, as a PATCH body (only the fields a collection in its status may change; the
 * validation level changes by validating again).
 */
export function collectionPatch(c: Collection, form: CollectionForm): { body: CollectionUpdate; errors: FormErrors } {
  const { body: all, errors } = collectionValues({ ...form, projectId: c.project_id, level: c.validation_level });
  delete errors.project_id;
  const crawl = collectionActions(c.status).editCrawl;
  if (!crawl) for (const key of ["keywords", "sources", "account_id", "chunk_size", "warmup_pins"]) delete errors[key];
  const body: CollectionUpdate = {};
  if (all.name !== c.name) body.name = all.name;
  if (all.brief !== c.brief) body.brief = all.brief;
  if (all.max_images !== c.max_images) body.max_images = all.max_images;
  if (all.threshold !== c.threshold) body.threshold = all.threshold;
  if (crawl) {
    if (all.keywords.join("\n") !== c.keywords.join("\n")) body.keywords = all.keywords;
    if ([...(all.sources ?? [])].sort().join() !== [...c.sources].sort().join()) body.sources = all.sources;
    if (all.account_id !== (c.account_id ?? "")) body.account_id = all.account_id;
    if (all.chunk_size !== c.chunk_size) body.chunk_size = all.chunk_size;
    if (all.warmup_pins !== c.warmup_pins) body.warmup_pins = all.warmup_pins;
  }
  return { body, errors };
}

const FIELDS = ["project_id", "name", "brief", "keywords", "sources", "account_id", "max_images", "validation_level", "threshold", "chunk_size", "warmup_pins"];
const fieldOf = nearestField(FIELDS);

/** The API's 400 mapped onto the form ("keywords[2]: must not be blank" lands on keywords). */
export const collectFieldErrors = (error: unknown) => apiFieldErrors(error, fieldOf);
