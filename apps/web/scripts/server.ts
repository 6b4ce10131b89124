// The web UI's production HTTP server (started by serve.ts): Next.js's request handler behind node:http, so that
// each request's X-Forwarded-For ends with the real peer address before the /graphql and /v1 proxy forwards it.
// `next start` keeps a client-sent X-Forwarded-For as it is, which let any browser choose its own rate-limit bucket.
import { createServer } from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { loadConfig } from "@earshot/config";
import next from "next";
import { appendForwardedFor } from "../lib/forwarded.ts";

const webDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const config = loadConfig();
const app = next({ dev: false, dir: webDir, hostname: config.WEB_HOST, port: config.WEB_PORT });
await app.prepare();
const handle = app.getRequestHandler();

const server = createServer((req, res) => {
  req.headers["x-forwarded-for"] = appendForwardedFor(req.headers["x-forwarded-for"], req.socket.remoteAddress);
  handle(req, res).catch((err: Error) => {
    console.error(`web: ${err.message}`);
    if (!res.headersSent) res.writeHead(500);
    res.end();
  });
});
server.listen(config.WEB_PORT, config.WEB_HOST, () => {
  console.log(`web: listening on http://${config.WEB_HOST}:${config.WEB_PORT}`);
});
for (const sig of ["SIGINT", "SIGTERM"] as const) {
  process.once(sig, () => server.close(() => process.exit(0)));
}
