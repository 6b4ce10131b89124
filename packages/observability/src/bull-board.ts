// BullMQ dashboard (bull-board) for operators. The caller decides who may see it: `authorize` runs before every
// dashboard route (UI, static assets and its JSON API) and a false answer gets 401. The queues hold every
// tenant's jobs, so this is for whoever runs the installation, not for a tenant's admins: use basicAuth().
import { timingSafeEqual } from "node:crypto";
import { createBullBoard } from "@bull-board/api";
import { BullMQAdapter } from "@bull-board/api/bullMQAdapter";
import { FastifyAdapter } from "@bull-board/fastify";
import type { Queue } from "bullmq";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";

export interface BullBoardOptions {
  queues: Queue[];
  /** URL prefix of the dashboard. Default /admin/queues. */
  basePath?: string;
  /** True when the request comes from an admin. Runs on every dashboard request. */
  authorize: (request: FastifyRequest, reply: FastifyReply) => boolean | Promise<boolean>;
  /** Hide retry/clean/remove buttons. Default false. */
  readOnly?: boolean;
}

export async function registerBullBoard(app: FastifyInstance, opts: BullBoardOptions): Promise<void> {
  const basePath = opts.basePath ?? "/admin/queues";
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(basePath);
  createBullBoard({
    queues: opts.queues.map((q) => new BullMQAdapter(q, { readOnlyMode: opts.readOnly ?? false })),
    serverAdapter,
    options: { uiConfig: { boardTitle: "Earshot queues" } },
  });
  // An encapsulated scope: the auth hook guards the dashboard's routes and nothing else.
  await app.register(async (scope) => {
    scope.addHook("onRequest", async (request, reply) => {
      let allowed = false;
      try {
        allowed = await opts.authorize(request, reply);
      } catch {
        allowed = false;
      }
      if (!allowed && !reply.sent) {
        return reply
          .code(401)
          .send({ error: { code: "UNAUTHENTICATED", message: "the queue dashboard is for admins only" } });
      }
    });
    await scope.register(serverAdapter.registerPlugin(), { prefix: basePath });
  });
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * HTTP basic auth for the dashboard: the browser asks once and resends the credentials with the dashboard's own
 * API calls. A wrong or missing password answers 401 with a challenge.
 */
export function basicAuth(user: string, password: string): BullBoardOptions["authorize"] {
  return (request, reply) => {
    const m = /^Basic\s+(\S+)$/i.exec(request.headers.authorization ?? "");
    const decoded = m ? Buffer.from(m[1] as string, "base64").toString("utf8") : "";
    const colon = decoded.indexOf(":");
    const ok = colon > 0 && sameText(decoded.slice(0, colon), user) && sameText(decoded.slice(colon + 1), password);
    if (!ok) reply.header("www-authenticate", 'Basic realm="Earshot queues", charset="UTF-8"');
    return ok;
  };
}
