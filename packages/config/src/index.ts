import path from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";

/** Repository root, so every process finds data, models and migrations the same way. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

const port = z.coerce.number().int().min(0).max(65535);

const schema = z.object({
  NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
  /** Postgres server. Unset: the embedded PGlite database under EARSHOT_DATA_DIR is used. */
  DATABASE_URL: z
    .string()
    .url()
    .refine((u) => /^postgres(ql)?:\/\//.test(u), "must start with postgres:// or postgresql://")
    .optional(),
  REDIS_URL: z
    .string()
    .url()
    .refine((u) => /^rediss?:\/\//.test(u), "must start with redis:// or rediss://")
    .default("redis://127.0.0.1:6379"),
  EARSHOT_DATA_DIR: z.string().min(1).default(path.join(repoRoot, ".earshot")),
  EMBEDDED_DB_PORT: port.default(54329),
  API_HOST: z.string().default("127.0.0.1"),
  API_PORT: port.default(4000),
  WEB_PORT: port.default(3000),
  EMBEDDER_URL: z.string().url().default("http://127.0.0.1:4100"),
  EMBEDDER_PORT: port.default(4100),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
});

export type Config = z.infer<typeof schema>;

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** Parses and validates the environment once; throws ConfigError naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // Empty strings mean "unset" (a common shell mistake: DATABASE_URL= ).
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`));
  }
  return parsed.data;
}
