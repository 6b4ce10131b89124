import { ApolloServer } from "@apollo/server";
import fastifyApollo, { fastifyApolloDrainPlugin } from "@as-integrations/fastify";
import type { Pool } from "@earshot/db";
import type { Logger } from "@earshot/log";
import Fastify, { type FastifyInstance } from "fastify";

const typeDefs = /* GraphQL */ `
  type Query {
    "Liveness of the API itself."
    health: String!
  }
`;

const resolvers = {
  Query: {
    health: () => "ok",
  },
};

export interface ApiDeps {
  pool: Pool;
  logger: Logger;
}

/** The API's HTTP server: GraphQL at /graphql, liveness at /healthz. */
export async function buildServer(deps: ApiDeps): Promise<FastifyInstance> {
  const app = Fastify({ loggerInstance: deps.logger }) as unknown as FastifyInstance;
  const apollo = new ApolloServer({
    typeDefs,
    resolvers,
    plugins: [fastifyApolloDrainPlugin(app)],
    includeStacktraceInErrorResponses: false,
  });
  await apollo.start();

  app.get("/healthz", async (_req, reply) => {
    try {
      await deps.pool.query("SELECT 1");
      return { status: "ok" };
    } catch {
      return reply.code(503).send({ status: "unavailable", reason: "database unreachable" });
    }
  });
  await app.register(fastifyApollo(apollo));
  return app;
}
