import { readFileSync } from "node:fs";
import { ApolloServer } from "@apollo/server";
import fastifyApollo, { fastifyApolloDrainPlugin } from "@as-integrations/fastify";
import { runWithTenantTickets } from "@earshot/db";
import { observability } from "@earshot/observability";
import fastifyCookie from "@fastify/cookie";
import fastifyCors from "@fastify/cors";
import fastifyMultipart from "@fastify/multipart";
import Fastify, { type FastifyInstance } from "fastify";
import { buildSchema } from "graphql";
import { type ApiDeps, type Context, makeContext } from "./context.ts";
import { ApiError, formatError, HTTP_STATUS, toApiError } from "./errors.ts";
import { limitsPlugin } from "./limits.ts";
import { registerMediaRoutes, sendError } from "./media.ts";
import { resolvePrincipal } from "./principal.ts";
import { Mutation } from "./resolvers/mutation.ts";
import { Query } from "./resolvers/query.ts";
import { typeResolvers } from "./resolvers/types.ts";
import { registerUploadRoutes } from "./uploads.ts";

export type { ApiDeps, IngestDeps } from "./context.ts";
export { type MediaStore, storageMediaStore } from "./media.ts";

export const typeDefs = readFileSync(new URL("./schema.graphql", import.meta.url), "utf8");

/** The API's HTTP server: GraphQL at /graphql, liveness at /healthz, media and uploads under /v1 (see README). */
export async function buildServer(deps: ApiDeps): Promise<FastifyInstance> {
  const app = Fastify({ loggerInstance: deps.logger, bodyLimit: 1024 * 1024 }) as unknown as FastifyInstance;
  // /metrics, request durations, x-request-id on every log line (@earshot/observability); first, to see all routes.
  await app.register(observability, { service: "api" });
  const apollo = new ApolloServer<Context>({
    typeDefs,
    resolvers: [{ Query, Mutation }, typeResolvers],
    plugins: [fastifyApolloDrainPlugin(app), limitsPlugin(buildSchema(typeDefs))],
    includeStacktraceInErrorResponses: false,
    // main.ts shuts down in order on SIGTERM; Apollo's own handler would re-raise the signal and kill it midway.
    stopOnTerminationSignals: false,
    formatError: (formatted, error) =>
      formatError(formatted, error, (err) => deps.logger.error({ err }, "unexpected error in a GraphQL request")),
  });
  await apollo.start();

  await app.register(fastifyCookie);
  await app.register(fastifyCors, { origin: deps.webOrigin ?? "http://localhost:3000", credentials: true });
  await app.register(fastifyMultipart, {
    // The ingest storage enforces the per-file limit itself (recording a TOO_LARGE item); this is a backstop.
    limits: {
      fileSize: 2 * (deps.ingest?.maxFileBytes ?? 512 * 1024 ** 2),
      files: 1000,
      fields: 10,
      fieldSize: 16 * 1024 ** 2,
    },
  });

  // Plain-HTTP routes answer {"error":{code,message}} with the same codes as GraphQL.
  app.setErrorHandler((err, _req, reply) => {
    const known = toApiError(err);
    if (known) return sendError(reply, known.code, known.message);
    const e = err as { statusCode?: number; code?: string; message: string };
    if (e.code === "FST_REQ_FILE_TOO_LARGE" || e.code === "FST_FILES_LIMIT" || e.statusCode === 413) {
      return sendError(reply, "TOO_LARGE", e.message);
    }
    if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) return sendError(reply, "BAD_USER_INPUT", e.message);
    deps.logger.error({ err }, "unexpected error in an HTTP request");
    return sendError(reply, "INTERNAL_SERVER_ERROR", "internal error");
  });

  // Each request gets its own holder for the tenant tickets its credential check earns (withTenant presents them).
  app.addHook("preHandler", (_req, _reply, done) => runWithTenantTickets(done));

  app.get("/healthz", async (_req, reply) => {
    try {
      await deps.pool.query("SELECT 1");
      return { status: "ok" };
    } catch {
      return reply.code(503).send({ status: "unavailable", reason: "database unreachable" });
    }
  });
  registerMediaRoutes(app, deps);
  registerUploadRoutes(app, deps);

  await app.register(fastifyApollo(apollo), {
    context: async (request, reply) => {
      try {
        const { principal, sessionToken } = await resolvePrincipal(deps, request);
        return makeContext(deps, principal, sessionToken, request, reply);
      } catch (err) {
        const known = toApiError(err);
        if (known) {
          throw new ApiError(known.code, known.message, { http: { status: HTTP_STATUS[known.code] } });
        }
        throw err;
      }
    },
  });
  return app;
}
