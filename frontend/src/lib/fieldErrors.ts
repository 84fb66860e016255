/**
 * Field errors read from an API error, for forms whose fields are named by the API's
 * paths ("schedule.active_to", "posts[0].topic", "params.floors.<id>"). A schema error
 * lists its problems in `extra` (`{key, label, message}`); a rule broken in a service
 * names the field's path at the start of `detail` (`schedule.active_to: must be after …`).
 * What names no field of the form comes back as `other` (for a toast).
 */
import { ApiError, errorMessage } from "../api/client";

interface Problem {
  key: string;
  label?: string;
  message: string;
}

/** Maps an API path to the form's field showing it, or null when the form has none. */
export type FieldOf = (path: string) => string | null;

/** A resolver that lands a path on the nearest known field: "posts[2].topic" → "posts.2.topic" → "posts.2" → "posts". */
export function nearestField(known: Iterable<string>): FieldOf {
  const set = new Set(known);
  return (path) => {
    const parts = path.replace(/\[(\d+)\]/g, ".$1").split(".");
    while (parts.length) {
      const key = parts.join(".");
      if (set.has(key)) return key;
      parts.pop();
    }
    return null;
  };
}

const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

export function apiFieldErrors(error: unknown, fieldOf: FieldOf): { fields: Record<string, string>; other: string | null } {
  const found: Record<string, string> = {};
  if (!(error instanceof ApiError) || ![400, 404, 422].includes(error.status)) return { fields: found, other: errorMessage(error) };
  const rest: string[] = [];
  const take = (path: string, message: string, whole: string) => {
    const field = fieldOf(path);
    if (field && !found[field]) found[field] = capitalize(message);
    else rest.push(whole);
  };
  const listed = Array.isArray(error.extra)
    ? (error.extra as unknown[]).filter((p): p is Problem => !!p && typeof p === "object" && typeof (p as Problem).key === "string" && typeof (p as Problem).message === "string")
    : [];
  if (listed.length) {
    for (const p of listed) take(p.key, p.message, p.label ? `${p.label}: ${p.message}` : p.message);
  } else {
    for (const part of error.detail.split(/;\s+/)) {
      const match = /^([A-Za-z_][\w-]*(?:(?:\.[\w-]+)|\[\d+\])*)\s*:\s*(.+)$/s.exec(part.trim());
      if (match) take(match[1]!, match[2]!, part);
      else rest.push(part);
    }
  }
  const anything = Object.keys(found).length > 0;
  return { fields: found, other: anything ? (rest.length ? rest.join("; ") : null) : error.detail };
}
