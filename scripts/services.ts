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
}

export const services: ServiceSpec[] = [
  {
    name: "api",
    command: ["node", "--import", "tsx", "apps/api/src/main.ts"],
    ready: (env) => `http://127.0.0.1:${env.API_PORT ?? 4000}/healthz`,
  },
];
