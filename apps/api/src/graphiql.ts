// A GraphQL IDE (GraphiQL) at GET /graphiql, served entirely from this API's own node_modules: it works with no
// internet access, unlike Apollo's landing page, which loads its code from a CDN.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import type { FastifyInstance } from "fastify";

const require = createRequire(import.meta.url);
const packageDir = (name: string) => path.dirname(require.resolve(`${name}/package.json`));

// GraphiQL 3's browser build expects React and ReactDOM as globals (their UMD builds). Resolved and read when the
// page is registered (introspection on), never in a production process that serves no IDE.
const assets = (): Record<string, { file: string; type: string }> => ({
  "react.js": { file: path.join(packageDir("react"), "umd/react.production.min.js"), type: "text/javascript" },
  "react-dom.js": {
    file: path.join(packageDir("react-dom"), "umd/react-dom.production.min.js"),
    type: "text/javascript",
  },
  "graphiql.js": { file: path.join(packageDir("graphiql"), "graphiql.min.js"), type: "text/javascript" },
  "graphiql.css": { file: path.join(packageDir("graphiql"), "graphiql.min.css"), type: "text/css" },
  "start.js": { file: new URL("./graphiql/start.js", import.meta.url).pathname, type: "text/javascript" },
});

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Earshot GraphQL API</title>
<link rel="stylesheet" href="/graphiql/assets/graphiql.css">
<style>html, body, #graphiql { height: 100%; margin: 0; }</style>
</head>
<body>
<div id="graphiql">Loading GraphiQL…</div>
<script src="/graphiql/assets/react.js"></script>
<script src="/graphiql/assets/react-dom.js"></script>
<script src="/graphiql/assets/graphiql.js"></script>
<script src="/graphiql/assets/start.js"></script>
</body>
</html>
`;

/**
 * The page's own policy, replacing the API's "nothing" policy: scripts and styles only from this origin (CodeMirror
 * and the page set inline styles), requests only to this origin's /graphql, and still no framing.
 */
const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

/** GET /graphiql and its assets; register only where introspection is enabled (the IDE needs it). */
export function registerGraphiql(app: FastifyInstance): void {
  const bodies = new Map(Object.entries(assets()).map(([name, a]) => [name, { ...a, body: readFileSync(a.file) }]));
  app.get("/graphiql", async (_req, reply) =>
    reply.header("content-security-policy", CSP).type("text/html; charset=utf-8").send(PAGE),
  );
  app.get<{ Params: { name: string } }>("/graphiql/assets/:name", async (req, reply) => {
    const asset = bodies.get(req.params.name);
    if (!asset) return reply.callNotFound();
    return reply.header("cache-control", "public, max-age=3600").type(asset.type).send(asset.body);
  });
}
