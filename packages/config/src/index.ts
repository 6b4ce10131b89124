import { isIP } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";

/** Repository root, so every process finds data, models and migrations the same way. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

const postgresUrl = z
  .string()
  .url()
  .refine((u) => /^postgres(ql)?:\/\//.test(u), "must start with postgres:// or postgresql://");

/** An entry proxy-addr (Fastify's trustProxy) accepts. */
function isProxyAddress(entry: string): boolean {
  if (["loopback", "linklocal", "uniquelocal"].includes(entry)) return true;
  const [ip, prefix, extra] = entry.split("/");
  const v = isIP(ip ?? "");
  if (!v || extra !== undefined) return false;
  return prefix === undefined || (/^\d+$/.test(prefix) && Number(prefix) <= (v === 4 ? 32 : 128));
}

const port = z.coerce.number().int().min(0).max(65535);

const schema = z.object({
  NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
  /**
   * Postgres server, as this process's own login role (not the owner: the API's role, or the worker's for the worker
   * and the CLI; docs/deploy.md). Unset: the embedded PGlite database under EARSHOT_DATA_DIR is used.
   */
  DATABASE_URL: postgresUrl.optional(),
  /** The owner's login: runs migrations and creates DATABASE_URL's login role. Unset: DATABASE_URL migrates. */
  DATABASE_OWNER_URL: postgresUrl.optional(),
  /** Read by `pnpm db:migrate` only: login roles it creates for the API (DATABASE_API_URL) and worker/CLI. */
  DATABASE_API_URL: postgresUrl.optional(),
  DATABASE_WORKER_URL: postgresUrl.optional(),
  REDIS_URL: z
    .string()
    .url()
    .refine((u) => /^rediss?:\/\//.test(u), "must start with redis:// or rediss://")
    .default("redis://127.0.0.1:6379"),
  EARSHOT_DATA_DIR: z.string().min(1).default(path.join(repoRoot, ".earshot")),
  EMBEDDED_DB_PORT: port.default(54329),
  API_HOST: z.string().default("127.0.0.1"),
  API_PORT: port.default(4000),
  /**
   * The API's Prometheus /metrics (and /healthz) on a port of their own, never on API_PORT, which partners reach;
   * 0 = any free port. Loopback by default; "0.0.0.0" in containers, where the port stays on the internal network.
   */
  API_METRICS_PORT: port.default(4001),
  API_METRICS_HOST: z.string().default("127.0.0.1"),
  WEB_PORT: port.default(3000),
  /** Host the web UI listens on ("0.0.0.0" in containers). */
  WEB_HOST: z.string().default("127.0.0.1"),
  /** Where the web UI's server reaches the API (it proxies /graphql and /v1). Unset: http://API_HOST:API_PORT. */
  WEB_API_ORIGIN: z.string().url().optional(),
  EMBEDDER_URL: z.string().url().default("http://127.0.0.1:4100"),
  EMBEDDER_PORT: port.default(4100),
  EMBEDDER_HOST: z.string().default("127.0.0.1"),
  /** Model bundle the embedder serves. Unset: models/default. */
  MODEL_DIR: z.string().min(1).optional(),
  /** "cuda" is used only when onnxruntime has it; otherwise the embedder falls back to cpu (and logs it). */
  EMBEDDER_EXECUTION_PROVIDER: z.enum(["cpu", "cuda"]).default("cpu"),
  /** onnxruntime intra-op threads; 0 = onnxruntime's default (one per core). */
  EMBEDDER_THREADS: z.coerce.number().int().min(0).max(256).default(0),
  /** Dynamic batching of text requests: at most this many texts per model call … */
  EMBEDDER_MAX_BATCH: z.coerce.number().int().min(1).max(4096).default(64),
  /** … waiting at most this long for a batch to fill. */
  EMBEDDER_MAX_WAIT_MS: z.coerce.number().min(0).max(1000).default(2),
  /** Texts (or audio clips) waiting beyond this answer 429 OVERLOADED. */
  EMBEDDER_MAX_QUEUE: z.coerce.number().int().min(1).default(1024),
  EMBEDDER_MAX_AUDIO_QUEUE: z.coerce.number().int().min(1).default(32),
  /** Content-addressed upload storage. Unset: EARSHOT_DATA_DIR/storage. */
  STORAGE_DIR: z.string().min(1).optional(),
  /** BullMQ key prefix, so several installations (or tests) can share one Redis. */
  QUEUE_PREFIX: z.string().min(1).default("earshot"),
  /**
   * Ingest jobs one worker process runs at once. 3 on 2 cores: a job decodes its whole file (sox) before it waits
   * on the embedder, and a third job keeps a core decoding meanwhile (docs/decisions.md).
   */
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(3),
  /** Worker's /healthz + /metrics port (it has no other HTTP server); 0 = any free port. */
  WORKER_METRICS_PORT: port.default(4200),
  /** Host the worker's /healthz + /metrics listen on ("0.0.0.0" in containers). */
  WORKER_METRICS_HOST: z.string().default("127.0.0.1"),
  /** Operator login for the BullMQ dashboard at /admin/queues on the API (all tenants' jobs). Unset: no dashboard. */
  QUEUE_DASHBOARD_USER: z.string().min(1).default("ops"),
  QUEUE_DASHBOARD_PASSWORD: z.string().min(16).optional(),
  /** A dead worker's jobs go back to the queue after their lock expires (checked every stalled interval). */
  WORKER_LOCK_DURATION_MS: z.coerce.number().int().min(500).default(60_000),
  WORKER_STALLED_INTERVAL_MS: z.coerce.number().int().min(500).default(60_000),
  /** Per-file upload limit in bytes (default 512 MiB). */
  INGEST_MAX_FILE_BYTES: z.coerce
    .number()
    .int()
    .min(1)
    .default(512 * 1024 * 1024),
  /** Longest audio file ingested, in seconds (default 3 hours). */
  INGEST_MAX_DURATION_S: z.coerce
    .number()
    .min(1)
    .default(3 * 3600),
  /** HMAC key for signed media URLs (>= 32 chars). Unset: one generated once into EARSHOT_DATA_DIR/media-signing-secret. */
  MEDIA_SIGNING_SECRET: z.string().min(32).optional(),
  /** Lifetime of signed audio/peaks URLs. */
  MEDIA_URL_TTL_S: z.coerce.number().int().min(10).max(86_400).default(900),
  /**
   * Query-cost points per minute per API key, per user and per anonymous client (a request consumes its cost: a
   * search 1000 plus 1 per object in its page, a plain object 1; an upload request 10). See apps/api/README.md.
   */
  RATE_LIMIT_POINTS_PER_MINUTE: z.coerce.number().int().min(100).default(60_000),
  /**
   * Proxies whose X-Forwarded-For the API believes for the client address (comma-separated IPs, CIDRs or
   * proxy-addr names such as loopback): the web UI's server and any load balancer in front of the API.
   */
  TRUSTED_PROXIES: z
    .string()
    .default("loopback")
    .transform((s) =>
      s
        .split(",")
        .map((x) => x.trim())
        .filter(Boolean),
    )
    .refine(
      (list) => list.every(isProxyAddress),
      "each entry: an IP, an IP/prefix, loopback, linklocal or uniquelocal",
    ),
  /** Answer GraphQL introspection (and field-name suggestions in errors). Default: on outside production. */
  GRAPHQL_INTROSPECTION: z.enum(["true", "false"]).optional(),
  /** Browser origin allowed to call the API with credentials (CORS). */
  WEB_ORIGIN: z.string().url().default("http://localhost:3000"),
  /** Session cookie lifetime in hours. */
  SESSION_TTL_H: z.coerce
    .number()
    .min(1)
    .max(24 * 90)
    .default(24 * 7),
  /** How long an invitation link works (hours; single use either way). */
  INVITATION_TTL_H: z.coerce
    .number()
    .min(1)
    .max(24 * 30)
    .default(24 * 7),
  /** How long an operator's set/reset-password link (`earshot user reset-link`, `user add`) works, in hours. */
  PASSWORD_RESET_TTL_H: z.coerce
    .number()
    .min(1)
    .max(24 * 7)
    .default(24),
  /** hnsw.ef_search for content search (pgvector default 40); see docs/benchmarks.md. */
  SEARCH_EF_SEARCH: z.coerce.number().int().min(1).max(1000).default(400),
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
