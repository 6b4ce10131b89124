// Keyset pagination for every list: cursors hold the sort value and id of the last row, so pages stay stable while
// rows are added, and deep pages cost the same as the first.
import type { PoolClient } from "@earshot/db";
import { checkFirst, decodeCursor, encodeCursor } from "@earshot/search";
import { badInput } from "./errors.ts";
import type { Connection } from "./parents.ts";

export interface KeysetQuery {
  /** Selected columns. */
  columns: string;
  /** FROM ... WHERE ... (no ORDER BY / LIMIT); $n placeholders refer to params. */
  from: string;
  params: unknown[];
  sortExpr: string;
  sortType: "timestamptz" | "text" | "float8";
  idExpr: string;
  direction: "ASC" | "DESC";
  first?: number | null;
  after?: string | null;
}

export async function keysetPage<T extends { id: string }>(
  client: PoolClient,
  q: KeysetQuery,
  count?: () => Promise<number>,
): Promise<Connection<T>> {
  const first = checkFirst(q.first);
  const params = [...q.params];
  let where = "";
  if (q.after) {
    const c = decodeCursor(q.after) as { v?: unknown; id?: unknown };
    if (typeof c?.id !== "string" || !(typeof c.v === "string" || typeof c.v === "number")) {
      throw badInput("after: not a cursor from this list");
    }
    params.push(c.v, c.id);
    const op = q.direction === "DESC" ? "<" : ">";
    where = ` AND (${q.sortExpr}, ${q.idExpr}) ${op} ($${params.length - 1}::${q.sortType}, $${params.length}::uuid)`;
  }
  params.push(first + 1);
  const { rows } = await client.query<T & { _sort: unknown }>(
    `SELECT ${q.columns}, ${q.sortExpr} AS "_sort" FROM ${q.from}${where}
      ORDER BY ${q.sortExpr} ${q.direction}, ${q.idExpr} ${q.direction} LIMIT $${params.length}`,
    params,
  );
  const more = rows.length > first;
  const edges = rows.slice(0, first).map((r) => {
    const { _sort, ...node } = r;
    const v = _sort instanceof Date ? _sort.toISOString() : _sort;
    return { node: node as unknown as T, cursor: encodeCursor({ v, id: r.id }) };
  });
  return {
    edges,
    pageInfo: {
      hasNextPage: more,
      hasPreviousPage: Boolean(q.after),
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
    totalCount: count,
  };
}

/** Pages an in-memory list (small per-parent lists loaded by a DataLoader). */
export function arrayPage<T extends { id: string }>(items: T[], first?: number | null, after?: string | null) {
  const n = checkFirst(first);
  let start = 0;
  if (after) {
    const c = decodeCursor(after) as { id?: unknown };
    const i = items.findIndex((x) => x.id === c?.id);
    if (i < 0) throw badInput("after: not a cursor from this list");
    start = i + 1;
  }
  const slice = items.slice(start, start + n);
  const edges = slice.map((node) => ({ node, cursor: encodeCursor({ id: node.id }) }));
  return {
    edges,
    pageInfo: {
      hasNextPage: start + n < items.length,
      hasPreviousPage: start > 0,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
    totalCount: async () => items.length,
  } satisfies Connection<T>;
}
