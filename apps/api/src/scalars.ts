import { GraphQLScalarType, Kind, valueFromASTUntyped } from "graphql";
import { badInput } from "./errors.ts";
import { declaredScalar } from "./typedefs.ts";

function toDate(v: unknown): Date {
  const d = typeof v === "string" ? new Date(v) : null;
  if (!d || Number.isNaN(d.getTime()) || !/^\d{4}-\d{2}-\d{2}/.test(v as string)) {
    throw badInput("DateTime must be an RFC 3339 / ISO-8601 string, e.g. 2026-01-31T12:00:00Z");
  }
  return d;
}

export const DateTime = new GraphQLScalarType({
  name: "DateTime",
  ...declaredScalar("DateTime"),
  serialize: (v) => (v instanceof Date ? v.toISOString() : new Date(v as string).toISOString()),
  parseValue: toDate,
  parseLiteral: (ast) => toDate(ast.kind === Kind.STRING ? ast.value : null),
});

/** Deeper custom JSON is refused: nothing legitimate nests this far, and jsonb and JSON.stringify would recurse. */
export const MAX_JSON_DEPTH = 32;

/** Throws BAD_USER_INPUT when v nests objects/arrays deeper than MAX_JSON_DEPTH (checked without recursion). */
function checkDepth(v: unknown): unknown {
  const stack: Array<[unknown, number]> = [[v, 0]];
  while (stack.length) {
    const [x, depth] = stack.pop() as [unknown, number];
    if (!x || typeof x !== "object") continue;
    if (depth >= MAX_JSON_DEPTH) throw badInput(`JSON nests deeper than ${MAX_JSON_DEPTH} levels`);
    for (const child of Object.values(x)) stack.push([child, depth + 1]);
  }
  return v;
}

export const JSONScalar = new GraphQLScalarType({
  name: "JSON",
  ...declaredScalar("JSON"),
  serialize: (v) => v,
  parseValue: checkDepth,
  parseLiteral: (ast, variables) => checkDepth(valueFromASTUntyped(ast, variables)),
});
