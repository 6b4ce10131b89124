import { defineConfig } from "vitest/config";

export default defineConfig({
  // graphql ships CJS (main) and ESM (module) copies; Vite would pick the ESM one for our sources while Apollo and the
  // GraphQL libraries load the CJS one in Node, and graphql refuses objects from "another realm". Node's choice here.
  resolve: { alias: [{ find: /^graphql$/, replacement: "graphql/index.js" }] },
  test: {
    include: [
      "apps/*/test/**/*.test.ts",
      "packages/*/test/**/*.test.ts",
      "test/**/*.test.ts",
      "docker/test/**/*.test.ts",
    ],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // Two cores: run test files one after another so timing-sensitive integration tests stay stable.
    fileParallelism: false,
  },
});
