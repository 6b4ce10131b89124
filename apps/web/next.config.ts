import path from "node:path";
import type { NextConfig } from "next";

const config: NextConfig = {
  poweredByHeader: false,
  reactStrictMode: true,
  // The monorepo root (pnpm lockfile) so Turbopack resolves hoisted workspace packages.
  turbopack: { root: path.resolve(process.cwd(), "../..") },
  outputFileTracingRoot: path.resolve(process.cwd(), "../.."),
  transpilePackages: ["@earshot/config"],
};

export default config;
