import path from "node:path";
import { CsvError, parse } from "csv-parse/sync";
import { IngestError } from "./errors.ts";
import { cleanText } from "./text.ts";

/** What an archive may tell about one file. Unknown columns/keys land in `custom`. */
export interface ItemMetadata {
  title?: string;
  description?: string;
  tags?: string[];
  category?: string;
  licence?: string;
  custom: Record<string, unknown>;
}

export type MetadataSidecar = Map<string, ItemMetadata>;

const FILENAME_KEYS = ["filename", "file", "path"];
const ALIASES: Record<string, keyof Omit<ItemMetadata, "custom">> = {
  title: "title",
  name: "title",
  description: "description",
  caption: "description",
  tags: "tags",
  keywords: "tags",
  category: "category",
  licence: "licence",
  license: "licence",
};

/**
 * Parses a metadata sidecar: CSV with a header row (a `filename` column plus any of title, description, tags,
 * category, licence and custom columns), or JSON (an array of such objects, or an object keyed by filename).
 * Keys are normalised file paths ("sub/a.wav"); see metadataFor for the lookup.
 * Throws IngestError BAD_METADATA naming the line or entry at fault.
 */
export function parseMetadataSidecar(text: string, format?: "csv" | "json"): MetadataSidecar {
  const kind = format ?? (/^\s*[[{]/.test(text) ? "json" : "csv");
  const rows = kind === "json" ? jsonRows(text) : csvRows(text);
  const out: MetadataSidecar = new Map();
  rows.forEach(({ row, where }) => {
    const fileKey = Object.keys(row).find((k) => FILENAME_KEYS.includes(k.trim().toLowerCase()));
    const filename = fileKey === undefined ? "" : String(row[fileKey] ?? "").trim();
    if (!filename) throw new IngestError("BAD_METADATA", `metadata ${where}: no filename`);
    const key = normaliseName(filename);
    if (out.has(key)) throw new IngestError("BAD_METADATA", `metadata ${where}: ${filename} is listed twice`);
    const meta: ItemMetadata = { custom: {} };
    for (const [rawKey, value] of Object.entries(row)) {
      if (rawKey === fileKey || value === undefined || value === null || value === "") continue;
      const field = ALIASES[rawKey.trim().toLowerCase()];
      if (field === "tags") meta.tags = toTags(value);
      else if (field === "description") meta.description = cleanText(String(value), { multiline: true }).trim();
      else if (field) meta[field] = cleanText(String(value)).trim();
      else meta.custom[rawKey.trim()] = value;
    }
    out.set(key, meta);
  });
  return out;
}

/** The sidecar entry for a file: by its path within the upload, else by its base name. */
export function metadataFor(sidecar: MetadataSidecar | undefined, relPath: string): ItemMetadata | undefined {
  if (!sidecar) return undefined;
  const key = normaliseName(relPath);
  return sidecar.get(key) ?? sidecar.get(path.posix.basename(key));
}

/** A file name as stored and shown: forward slashes, no leading "./", NFC, control characters replaced. */
export function normaliseName(name: string): string {
  return cleanText(
    name
      .replace(/\\/g, "/")
      .replace(/^\.\/+/, "")
      .normalize("NFC"),
  );
}

function toTags(value: unknown): string[] {
  const list = Array.isArray(value) ? value.map(String) : String(value).split(/[;,|]/);
  return [...new Set(list.map((t) => cleanText(t).trim()).filter(Boolean))];
}

function csvRows(text: string): Array<{ row: Record<string, unknown>; where: string }> {
  let records: Record<string, string>[];
  try {
    records = parse(text, { columns: true, bom: true, skip_empty_lines: true, trim: true });
  } catch (err) {
    const where =
      err instanceof CsvError && "lines" in err ? ` (line ${(err as CsvError & { lines: number }).lines})` : "";
    throw new IngestError("BAD_METADATA", `metadata CSV cannot be parsed${where}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  // Header is line 1, so record i sits on line i + 2 (ignoring multi-line cells).
  return records.map((row, i) => ({ row, where: `line ${i + 2}` }));
}

function jsonRows(text: string): Array<{ row: Record<string, unknown>; where: string }> {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new IngestError("BAD_METADATA", `metadata JSON cannot be parsed: ${(err as Error).message}`, { cause: err });
  }
  const isObject = (v: unknown): v is Record<string, unknown> =>
    typeof v === "object" && v !== null && !Array.isArray(v);
  if (Array.isArray(data)) {
    return data.map((row, i) => {
      if (!isObject(row)) throw new IngestError("BAD_METADATA", `metadata entry ${i}: not an object`);
      return { row, where: `entry ${i}` };
    });
  }
  if (isObject(data)) {
    return Object.entries(data).map(([filename, row]) => {
      if (!isObject(row)) throw new IngestError("BAD_METADATA", `metadata entry ${filename}: not an object`);
      return { row: { ...row, filename }, where: `entry ${filename}` };
    });
  }
  throw new IngestError("BAD_METADATA", "metadata JSON must be an array of objects or an object keyed by filename");
}
