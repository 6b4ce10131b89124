import { readFileSync } from "node:fs";
import { buildSchema, type GraphQLScalarType } from "graphql";

/** The schema's SDL (src/schema.graphql), the one source of the API's types and their documentation. */
export const typeDefs = readFileSync(new URL("./schema.graphql", import.meta.url), "utf8");

/**
 * A custom scalar's description and @specifiedBy URL as the SDL declares them. graphql-tools copies every property of
 * a scalar given as a resolver over the SDL's type, so the scalar objects must carry these themselves.
 */
export function declaredScalar(name: string): { description: string | null | undefined; specifiedByURL: string } {
  const type = buildSchema(typeDefs).getType(name) as GraphQLScalarType | undefined;
  if (!type?.specifiedByURL) throw new Error(`schema.graphql declares no scalar ${name} with @specifiedBy`);
  return { description: type.description, specifiedByURL: type.specifiedByURL };
}
