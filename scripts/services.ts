/**
 * The processes `pnpm start` runs, in start order. Each later issue adds its process here.
 * `ready` is polled before the next service starts, so dependants find their dependencies up.
 */
export interface ServiceSpec {
  name: string;
  /** Command and arguments, run from the repository root. */
  command: string[];
  /** URL that answers 2xx once the service is ready. */
  ready?: (env: NodeJS.ProcessEnv) => string;
  /** How long `ready` may take (default 60 s). */
  readyTimeoutMs?: number;
  /** Its database login when DATABASE_API_URL / DATABASE_WORKER_URL are set (docs/deploy.md, "Database roles"). */
  login?: "DATABASE_API_URL" | "DATABASE_WORKER_URL";
}

export const services: ServiceSpec[] = [
  {
    // Ready once the model bundle is loaded, so the API and worker find it serving.
    name: "embedder",
    command: ["node", "--import", "tsx", "apps/embedder/src/main.ts"],
    ready: (env) => `http://127.0.0.1:${env.EMBEDDER_PORT ?? 4100}/readyz`,
  },
  {
    name: "worker",
    command: ["node", "--import", "tsx", "apps/worker/src/main.ts"],
    login: "DATABASE_WORKER_URL",
    ready: (env) => `http://127.0.0.1:${env.WORKER_METRICS_PORT ?? 4200}/healthz`,
  },
  {
    name: "api",
    command: ["node", "--import", "tsx", "apps/api/src/main.ts"],
    login: "DATABASE_API_URL",
    ready: (env) => `http://127.0.0.1:${env.API_PORT ?? 4000}/healthz`,
  },
  {
    // Production build (rebuilt only when apps/web changed, ~30 s on 2 cores) then `next start`; see apps/web/README.md.
    name: "web",
    command: ["node", "--import", "tsx", "apps/web/scripts/serve.ts"],
    ready: (env) => `http://127.0.0.1:${env.WEB_PORT ?? 3000}/healthz`,
    readyTimeoutMs: 300_000,
  },
];
