import { apiKeyPrincipal, type Principal, sessionPrincipal } from "@earshot/auth";
import type { FastifyRequest } from "fastify";
import type { ApiDeps } from "./context.ts";
import { ApiError } from "./errors.ts";

export const SESSION_COOKIE = "earshot_session";
export const TENANT_COOKIE = "earshot_tenant";

/**
 * Who is calling. A bearer key that is malformed, unknown or revoked is an error (the caller meant to
 * authenticate); a stale session cookie just means "signed out".
 */
export async function resolvePrincipal(
  deps: ApiDeps,
  req: FastifyRequest,
): Promise<{ principal: Principal | null; sessionToken: string | null }> {
  const auth = req.headers.authorization;
  if (auth) {
    const m = /^Bearer\s+(\S+)$/i.exec(auth);
    const principal = m ? await apiKeyPrincipal(deps.pool, m[1] as string) : null;
    if (!principal) {
      throw new ApiError("UNAUTHENTICATED", "invalid or revoked API key", { http: { status: 401 } });
    }
    return { principal, sessionToken: null };
  }
  const token = req.cookies?.[SESSION_COOKIE];
  if (!token) return { principal: null, sessionToken: null };
  const principal = await sessionPrincipal(deps.pool, token, req.cookies?.[TENANT_COOKIE]);
  return { principal, sessionToken: principal ? token : null };
}
