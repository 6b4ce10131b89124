import { cookies, headers } from "next/headers";
import { apiOrigin } from "./api-origin.ts";
import { GqlError, readGqlResponse } from "./gql.ts";

/** Server-side GraphQL call on behalf of the browser's session (its cookie is forwarded). */
export async function serverGql<T>(query: string, variables?: Record<string, unknown>): Promise<T> {
  const cookieHeader = (await cookies()).toString();
  // The browser's address (scripts/server.ts appended it), so anonymous calls are limited per browser, not per UI.
  const forwardedFor = (await headers()).get("x-forwarded-for");
  let res: Response;
  try {
    res = await fetch(`${apiOrigin()}/graphql`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        cookie: cookieHeader,
        ...(forwardedFor ? { "x-forwarded-for": forwardedFor } : {}),
      },
      body: JSON.stringify({ query, variables }),
      cache: "no-store",
    });
  } catch {
    throw new GqlError(`The Earshot API is not reachable at ${apiOrigin()}.`, "UNAVAILABLE");
  }
  return readGqlResponse<T>(res);
}
