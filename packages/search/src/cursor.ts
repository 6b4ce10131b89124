// Opaque cursors: base64url JSON. Search pages use an offset into the ranked list (the ranking is recomputed per
// page); lists use keyset positions. Both are validated on the way in: a bad cursor is BAD_USER_INPUT.
import { SearchError } from "./errors.ts";

export const MAX_FIRST = 100;
export const DEFAULT_FIRST = 20;

export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

export function decodeCursor(cursor: string): unknown {
  try {
    return JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw new SearchError("BAD_USER_INPUT", "after: not a cursor from this API");
  }
}

export function checkFirst(first: number | null | undefined): number {
  if (first === null || first === undefined) return DEFAULT_FIRST;
  if (!Number.isInteger(first) || first < 1 || first > MAX_FIRST) {
    throw new SearchError("BAD_USER_INPUT", `first must be an integer from 1 to ${MAX_FIRST}`);
  }
  return first;
}

export function offsetFromCursor(after: string | null | undefined): number {
  if (!after) return 0;
  const v = decodeCursor(after) as { o?: unknown };
  if (typeof v?.o !== "number" || !Number.isInteger(v.o) || v.o < 0) {
    throw new SearchError("BAD_USER_INPUT", "after: not a cursor from this API");
  }
  return v.o + 1;
}

export const offsetCursor = (index: number) => encodeCursor({ o: index });
