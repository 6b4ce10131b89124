import path from "node:path";
import type { NextConfig } from "next";
import { SECURITY_HEADERS } from "./lib/csp.ts";

const config: NextConfig = {
  poweredByHeader: false,
  reactStrictMode: true,
  // The monorepo root (pnpm lockfile) so Turbopack resolves hoisted workspace packages.
  turbopack: { root: path.resolve(process.cwd(), "../..") },
  outputFileTracingRoot: path.resolve(process.cwd(), "../.."),
  transpilePackages: ["@earshot/config"],
  // The CSP itself is per request (proxy.ts: it carries a nonce); these are the same for every answer.
  async headers() {
    return [{ source: "/:path*", headers: SECURITY_HEADERS }];
  },
};

export default config;
