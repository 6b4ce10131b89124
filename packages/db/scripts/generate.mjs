// Runs `prisma generate` offline. Prisma's generator and query compiler are WASM; the engine paths only
// have to exist, so they point at an empty placeholder instead of a binary downloaded from Prisma's CDN.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const placeholder = path.join(os.tmpdir(), "earshot-prisma-no-engine");
if (!existsSync(placeholder)) {
  mkdirSync(path.dirname(placeholder), { recursive: true });
  writeFileSync(placeholder, "");
}
const prismaBin = path.join(root, "packages/db/node_modules/.bin/prisma");
execFileSync(prismaBin, ["generate", "--schema", path.join(root, "prisma/schema.prisma")], {
  cwd: root,
  stdio: ["ignore", "ignore", "inherit"],
  env: {
    ...process.env,
    PRISMA_SCHEMA_ENGINE_BINARY: placeholder,
    PRISMA_QUERY_ENGINE_LIBRARY: placeholder,
    PRISMA_HIDE_UPDATE_MESSAGE: "1",
    CHECKPOINT_DISABLE: "1",
  },
});
console.log("prisma client generated (offline)");
