/** A GraphQL error as the API reports it: `extensions.code` is stable, the message is for people. */
export class GqlError extends Error {
  constructor(
    message: string,
    public readonly code: string,
    public readonly extensions: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = "GqlError";
  }
}

interface GqlResponse<T> {
  data?: T | null;
  errors?: Array<{ message: string; extensions?: { code?: string } & Record<string, unknown> }>;
}

/** Parses a GraphQL HTTP answer; the first error wins (the UI shows one message at a time). */
export async function readGqlResponse<T>(res: Response): Promise<T> {
  let body: GqlResponse<T>;
  try {
    body = (await res.json()) as GqlResponse<T>;
  } catch {
    throw new GqlError(
      `The API answered ${res.status} without a GraphQL body.`,
      res.status >= 500 ? "UNAVAILABLE" : "BAD_RESPONSE",
    );
  }
  const first = body.errors?.[0];
  if (first) throw new GqlError(first.message, first.extensions?.code ?? "INTERNAL_SERVER_ERROR", first.extensions);
  if (!body.data) throw new GqlError("The API answered without data.", "BAD_RESPONSE");
  return body.data;
}

/** Browser-side GraphQL call through this origin's /graphql proxy (the session cookie rides along). */
export async function gql<T>(query: string, variables?: Record<string, unknown>, signal?: AbortSignal): Promise<T> {
  let res: Response;
  try {
    res = await fetch("/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({ query, variables }),
      credentials: "same-origin",
      signal,
    });
  } catch (err) {
    if ((err as Error).name === "AbortError") throw err;
    throw new GqlError("Cannot reach Earshot. Check your connection and try again.", "NETWORK");
  }
  const data = await readGqlResponse<T>(res);
  return data;
}

/** A message fit to show a person, for any thrown value. */
export function errorMessage(err: unknown): string {
  if (err instanceof GqlError) {
    if (err.code === "FORBIDDEN") return `You do not have permission for this. ${err.message}`;
    if (err.code === "RATE_LIMITED") return "Too many requests right now; wait a moment and try again.";
    return err.message;
  }
  if (err instanceof Error) return err.message;
  return String(err);
}
