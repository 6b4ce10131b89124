/** Stable codes the API maps 1:1 onto its GraphQL error codes. */
export type SearchErrorCode = "BAD_USER_INPUT" | "NOT_FOUND" | "UNAVAILABLE";

export class SearchError extends Error {
  constructor(
    public readonly code: SearchErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "SearchError";
  }
}
