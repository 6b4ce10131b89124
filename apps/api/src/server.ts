import { ApolloServer } from "@apollo/server";
import { ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import fastifyApollo, { fastifyApolloDrainPlugin } from "@as-integrations/fastify";
import { runWithTenantTickets } from "@earshot/db";
import { observability } from "@earshot/observability";
import fastifyCookie from "@fastify/cookie";
import fastifyCors from "@fastify/cors";
import fastifyHelmet from "@fastify/helmet";
import fastifyMultipart from "@fastify/multipart";
import Fastify, { type FastifyInstance } from "fastify";
import { APQ_TTL_S, redisPersistedQueryCache } from "./apq-cache.ts";
import { type ApiDeps, type Context, makeContext } from "./context.ts";
import { ApiError, formatError, HTTP_STATUS, toApiError } from "./errors.ts";
import { registerGraphiql } from "./graphiql.ts";
import { documentRules, limitsPlugin, MAX_TOKENS, refuseSpentCallers } from "./limits.ts";
import { registerMediaRoutes, sendError } from "./media.ts";
import { operationMetricsPlugin } from "./operation-metrics.ts";
import { resolvePrincipal } from "./principal.ts";
import { readinessChecks } from "./readiness.ts";
import { Mutation } from "./resolvers/mutation.ts";
import { Query } from "./resolvers/query.ts";
import { typeResolvers } from "./resolvers/types.ts";
import { typeDefs } from "./typedefs.ts";
import { multipartFileLimit, registerUploadRoutes } from "./uploads.ts";

export type { ApiDeps, IngestDeps } from "./context.ts";
export { type MediaStore, storageMediaStore } from "./media.ts";

export { typeDefs } from "./typedefs.ts";

/** The API's HTTP server: GraphQL at /graphql, liveness at /healthz, media and uploads under /v1 (see README). */
export async function buildServer(deps: ApiDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger,
    bodyLimit: 1024 * 1024,
    // request.ip is the client only through these proxies (the web UI's server, a load balancer); any other
    // peer's X-Forwarded-For is ignored.
    trustProxy: deps.trustedProxies ?? ["loopback"],
  }) as unknown as FastifyInstance;
  // Request durations and x-request-id on every log line (@earshot/observability); first, to see all routes. The
  // registry (app.metricsRegistry) is served on its own internal port by main.ts, not here where partners call.
  await app.register(observability, { service: "api", metricsPath: false });
  const introspection = deps.introspection ?? process.env.NODE_ENV !== "production";
  const apollo = new ApolloServer<Context>({
    typeDefs,
    resolvers: [{ Query, Mutation }, typeResolvers],
    // Apollo's own landing page loads its IDE from a CDN, which an offline installation cannot reach: browsers are
    // sent to the bundled /graphiql instead (below).
    plugins: [
      fastifyApolloDrainPlugin(app),
      limitsPlugin(),
      operationMetricsPlugin(app.metricsRegistry),
      ApolloServerPluginLandingPageDisabled(),
    ],
    validationRules: documentRules(),
    // More tokens than any real query: refused while parsing (400), before validation walks the document.
    parseOptions: { maxTokens: MAX_TOKENS },
    introspection,
    persistedQueries: {
      cache: redisPersistedQueryCache(deps.redis, deps.redisPrefix ?? "earshot"),
      ttl: APQ_TTL_S,
    },
    includeStacktraceInErrorResponses: false,
    // main.ts shuts down in order on SIGTERM; Apollo's own handler would re-raise the signal and kill it midway.
    stopOnTerminationSignals: false,
    formatError: (formatted, error) =>
      formatError(formatted, error, (err) => deps.logger.error({ err }, "unexpected error in a GraphQL request"), {
        suggestions: introspection,
      }),
  });
  await apollo.start();

  // Security headers on every answer (JSON, media, errors). The API serves no pages of its own, so its policy allows
  // nothing but playing media opened directly; a browser may embed a signed media URL from any origin
  // (Cross-Origin-Resource-Policy), but no page may frame an API answer. HSTS belongs to the TLS proxy in front.
  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'none'"],
        mediaSrc: ["'self'"],
        baseUri: ["'none'"],
        formAction: ["'none'"],
        frameAncestors: ["'none'"],
      },
    },
    frameguard: { action: "deny" },
    referrerPolicy: { policy: "no-referrer" },
    crossOriginResourcePolicy: { policy: "cross-origin" },
    hsts: false,
  });
  // Apollo's landing page (GET /graphql from a browser) brings its own CSP in a <meta> tag for the scripts it loads
  // from Apollo's CDN; both policies would apply, so that one page keeps only frame-ancestors from ours.
  app.addHook("onSend", async (req, reply, payload) => {
    if (req.routeOptions.url === "/graphql" && String(reply.getHeader("content-type")).startsWith("text/html")) {
      reply.header("content-security-policy", "frame-ancestors 'none'");
    }
    return payload;
  });
  await app.register(fastifyCookie);
  await app.register(fastifyCors, { origin: deps.webOrigin ?? "http://localhost:3000", credentials: true });
  await app.register(fastifyMultipart, {
    // The ingest storage enforces the per-file limit itself (recording a TOO_LARGE item); this is a backstop. A file
    // past it ends truncated rather than failing the request: each route checks part.file.truncated itself.
    throwFileSizeLimit: false,
    limits: {
      fileSize: multipartFileLimit(deps.ingest),
      files: 1000,
      fields: 10,
      fieldSize: 16 * 1024 ** 2,
    },
  });

  // Plain-HTTP routes answer {"error":{code,message}} with the same codes as GraphQL.
  app.setErrorHandler((err, _req, reply) => {
    const known = toApiError(err);
    if (known) {
      // Retry-After and RateLimit-* of a refused request, as on /graphql.
      const http = known.extensions.http as { headers?: Map<string, string> } | undefined;
      for (const [name, value] of http?.headers ?? []) reply.header(name, value);
      return sendError(reply, known.code, known.message);
    }
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
  if (introspection) {
    registerGraphiql(app);
    // A browser opening the endpoint itself gets the IDE, as Apollo's landing page would have offered.
    app.addHook("onRequest", async (req, reply) => {
      if (req.method === "GET" && req.url === "/graphql" && req.headers.accept?.includes("text/html")) {
        return reply.redirect("/graphiql");
      }
    });
  }
  // Readiness for a load balancer: every dependency a request needs; 503 names the ones that failed.
  app.get("/readyz", async (_req, reply) => {
    const checks = await readinessChecks(deps);
    const failed = Object.entries(checks)
      .filter(([, ok]) => !ok)
      .map(([name]) => name);
    return reply.code(failed.length ? 503 : 200).send({ status: failed.length ? "unavailable" : "ok", checks, failed });
  });
  // Unknown routes answer the same {"error":{code,message}} shape as every other plain-HTTP error.
  app.setNotFoundHandler((req, reply) =>
    sendError(reply, "NOT_FOUND", `no such route: ${req.method} ${req.url.split("?")[0]?.slice(0, 200)}`),
  );
  registerMediaRoutes(app, deps);
  registerUploadRoutes(app, deps);
  app.addHook("onRequest", refuseSpentCallers(deps));

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
