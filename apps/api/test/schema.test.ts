// The published schema's shape: documentation everywhere, enums where values are closed, scalars with their specs.
import { readFile } from "node:fs/promises";
import { buildSchema, type GraphQLEnumType, GraphQLScalarType } from "graphql";
import { describe, expect, it } from "vitest";
import { reindexState, uploadErrorCode } from "../src/enums.ts";
import { CLIENT_CODES, HTTP_STATUS } from "../src/errors.ts";
import { undocumented } from "../src/schema-docs.ts";
import { typeDefs } from "../src/server.ts";

const schema = buildSchema(typeDefs);
const enumValues = (name: string) => (schema.getType(name) as GraphQLEnumType).getValues().map((v) => v.name);

describe("schema documentation", () => {
  it("describes every type, field, argument, enum value and input field", () => {
    expect(undocumented(schema)).toEqual([]);
  });

  it("catches a field added without a description", () => {
    // The walk itself must be able to fail: one undocumented field and argument are reported by coordinate.
    const extended = buildSchema(`${typeDefs}\nextend type Query { bare(x: Int): Int }`);
    expect(undocumented(extended)).toEqual(["Query.bare", "Query.bare(x:)"]);
  });

  it("lists every error code the API answers as the documented ErrorCode enum", () => {
    const codes = new Set([...Object.keys(HTTP_STATUS), ...CLIENT_CODES]);
    expect(new Set(enumValues("ErrorCode"))).toEqual(codes);
    expect(schema.description).toContain("ErrorCode");
  });

  it("points DateTime to RFC 3339 and JSON to ECMA-404 with @specifiedBy", () => {
    expect((schema.getType("DateTime") as GraphQLScalarType).specifiedByURL).toMatch(/rfc3339/);
    expect((schema.getType("JSON") as GraphQLScalarType).specifiedByURL).toMatch(/ecma-404/);
    expect(schema.getType("DateTime")).toBeInstanceOf(GraphQLScalarType);
  });
});

describe("enums for closed sets of values", () => {
  it("types TagSuggestion.source, ReindexStatus.state and UploadItem.errorCode as enums", () => {
    const typeOf = (t: string, f: string) =>
      String((schema.getType(t) as unknown as { getFields(): Record<string, { type: unknown }> }).getFields()[f]?.type);
    expect(typeOf("TagSuggestion", "source")).toBe("TagSuggestionSource!");
    expect(typeOf("ReindexStatus", "state")).toBe("ReindexState!");
    expect(typeOf("UploadItem", "errorCode")).toBe("UploadErrorCode");
  });

  it("maps every BullMQ job state to a ReindexState value", () => {
    const bullmq = [
      "waiting",
      "prioritized",
      "waiting-children",
      "delayed",
      "active",
      "completed",
      "failed",
      "unknown",
    ];
    const states = [
      "WAITING",
      "PRIORITIZED",
      "WAITING_CHILDREN",
      "DELAYED",
      "ACTIVE",
      "COMPLETED",
      "FAILED",
      "UNKNOWN",
    ];
    expect(bullmq.map(reindexState)).toEqual(states);
    expect(new Set(enumValues("ReindexState"))).toEqual(new Set(states));
    expect(reindexState("something-new")).toBe("UNKNOWN");
  });

  it("reads a stored upload error code as the enum, and one it does not know as INTERNAL", async () => {
    // Every code the ingest and audio packages declare is an enum value (also proven at compile time in enums.ts).
    for (const file of ["../../../packages/ingest/src/errors.ts", "../../../packages/audio/src/errors.ts"]) {
      const src = await readFile(new URL(file, import.meta.url), "utf8");
      const declared = [...src.matchAll(/\| "([A-Z_]+)"/g)].map((m) => m[1]);
      expect(declared.length).toBeGreaterThan(5);
      for (const code of declared) expect(enumValues("UploadErrorCode"), code).toContain(code);
    }
    expect(uploadErrorCode("NOT_AUDIO")).toBe("NOT_AUDIO");
    expect(uploadErrorCode("FROM_A_NEWER_WORKER")).toBe("INTERNAL");
    expect(uploadErrorCode(null)).toBeNull();
  });
});
