import { cookies } from "next/headers";
import { apiOrigin } from "./api-origin.ts";
import { GqlError, readGqlResponse } from "./gql.ts";

/** Server-side GraphQL call on behalf of the browser's session (its cookie is forwarded). */
export async function serverGql<T>(query: string, variables?: Record<string, unknown>): Promise<T> {
  const cookieHeader = (await cookies()).toString();
  let res: Response;
  try {
    res = await fetch(`${apiOrigin()}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", cookie: cookieHeader },
      body: JSON.stringify({ query, variables }),
      cache: "no-store",
    });
  } catch {
    throw new GqlError(`The Earshot API is not reachable at ${apiOrigin()}.`, "UNAVAILABLE");
  }
  return readGqlResponse<T>(res);
}
