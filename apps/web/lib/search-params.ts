import type { SearchMode } from "./types.ts";

/** Everything a search is, as it appears in the URL (so a search can be shared as a link). */
export interface SearchState {
  q: string;
  /** An uploaded example clip (POST /v1/examples) to search by instead of text, and its file name. */
  example: string;
  exampleName: string;
  mode: SearchMode;
  collection: string;
  minDur: string;
  maxDur: string;
  categories: string[];
  tags: string[];
  licences: string[];
  from: string;
  to: string;
}

const MODES: Record<string, SearchMode> = { content: "CONTENT", metadata: "METADATA", hybrid: "HYBRID" };

function list(v: string | null): string[] {
  return (v ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}

export function parseSearch(params: URLSearchParams): SearchState {
  return {
    q: params.get("q") ?? "",
    example: params.get("example") ?? "",
    exampleName: params.get("exampleName") ?? "",
    mode: MODES[params.get("mode") ?? ""] ?? "HYBRID",
    collection: params.get("collection") ?? "",
    minDur: params.get("minDur") ?? "",
    maxDur: params.get("maxDur") ?? "",
    categories: list(params.get("category")),
    tags: list(params.get("tags")),
    licences: list(params.get("licence")),
    from: params.get("from") ?? "",
    to: params.get("to") ?? "",
  };
}

export function serializeSearch(s: SearchState): string {
  const p = new URLSearchParams();
  if (s.q) p.set("q", s.q);
  if (s.example) p.set("example", s.example);
  if (s.exampleName) p.set("exampleName", s.exampleName);
  if (s.mode !== "HYBRID") p.set("mode", s.mode.toLowerCase());
  if (s.collection) p.set("collection", s.collection);
  if (s.minDur) p.set("minDur", s.minDur);
  if (s.maxDur) p.set("maxDur", s.maxDur);
  if (s.categories.length) p.set("category", s.categories.join(","));
  if (s.tags.length) p.set("tags", s.tags.join(","));
  if (s.licences.length) p.set("licence", s.licences.join(","));
  if (s.from) p.set("from", s.from);
  if (s.to) p.set("to", s.to);
  const str = p.toString();
  return str ? `?${str}` : "";
}

function num(v: string): number | undefined {
  const n = Number.parseFloat(v);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

/** The GraphQL AudioFilter for a search state (only the conditions that are set). */
export function toFilter(s: SearchState): Record<string, unknown> | undefined {
  const f: Record<string, unknown> = {};
  if (s.collection) f.collectionId = s.collection;
  const min = num(s.minDur);
  const max = num(s.maxDur);
  if (min !== undefined) f.minDurationS = min;
  if (max !== undefined) f.maxDurationS = max;
  if (s.categories.length) f.categories = s.categories;
  if (s.tags.length) f.tags = s.tags;
  if (s.licences.length) f.licences = s.licences;
  // Dates are whole days in UTC: "to" includes its whole day.
  if (/^\d{4}-\d{2}-\d{2}$/.test(s.from)) f.uploadedAfter = `${s.from}T00:00:00.000Z`;
  if (/^\d{4}-\d{2}-\d{2}$/.test(s.to)) f.uploadedBefore = `${s.to}T23:59:59.999Z`;
  return Object.keys(f).length ? f : undefined;
}

export function activeFilterCount(s: SearchState): number {
  return [
    s.collection,
    s.minDur || s.maxDur,
    s.categories.length,
    s.tags.length,
    s.licences.length,
    s.from || s.to,
  ].filter(Boolean).length;
}
