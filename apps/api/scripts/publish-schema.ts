// Writes docs/api/schema.graphql, the schema partners load into their tools (a test checks it matches the server).
import { writeFileSync } from "node:fs";
import { buildSchema } from "graphql";
import { publishedSchema } from "../src/schema-docs.ts";
import { typeDefs } from "../src/server.ts";

const target = new URL("../../../docs/api/schema.graphql", import.meta.url);
writeFileSync(target, publishedSchema(buildSchema(typeDefs)));
console.log(`wrote ${target.pathname}`);
