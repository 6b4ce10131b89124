// Reads the deployment files the way Docker would, for the checks this machine can run without a Docker
// engine: Dockerfiles parsed with dockerfile-ast, compose files interpolated like `docker compose` does.
import { spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  symlinkSync,
} from "node:fs";
import { builtinModules } from "node:module";
import path from "node:path";
import { repoRoot } from "@earshot/config";
import { type Copy, DockerfileParser, type Instruction } from "dockerfile-ast";
import { parse as parseYaml } from "yaml";

export { repoRoot };
export const dockerDir = path.join(repoRoot, "docker");

/** The process images: name -> Dockerfile. The CUDA embedder runs the same command as the CPU one. */
export const IMAGES = {
  api: "api.Dockerfile",
  worker: "worker.Dockerfile",
  embedder: "embedder.Dockerfile",
  "embedder-cuda": "embedder-cuda.Dockerfile",
  web: "web.Dockerfile",
} as const;
export type ImageName = keyof typeof IMAGES;

export interface Stage {
  name: string | null;
  /** Base image with ARG defaults substituted. */
  image: string;
  instructions: Instruction[];
}

export interface ParsedDockerfile {
  file: string;
  text: string;
  stages: Stage[];
  final: Stage;
  /** ENV of the final stage. */
  env: Record<string, string>;
  /** CMD of the final stage (exec form only; null when shell form or missing). */
  cmd: string[] | null;
  /** HEALTHCHECK CMD of the final stage (exec form only). */
  healthcheck: string[] | null;
  user: string | null;
  workdir: string | null;
  expose: number[];
  /** ARG defaults from the whole file (global and per stage). */
  args: Record<string, string>;
}

function substitute(value: string, vars: Record<string, string>): string {
  return value.replace(/\$\{(\w+)\}|\$(\w+)/g, (_m, a: string | undefined, b: string | undefined) => {
    const name = (a ?? b) as string;
    return vars[name] ?? "";
  });
}

/** Parses a JSON-array (exec form) argument list, or returns null for shell form. */
export function execForm(content: string): string[] | null {
  const trimmed = content.trim();
  if (!trimmed.startsWith("[")) return null;
  try {
    const parsed = JSON.parse(trimmed);
    return Array.isArray(parsed) && parsed.every((x) => typeof x === "string") ? parsed : null;
  } catch {
    return null;
  }
}

export function readDockerfile(file: string): ParsedDockerfile {
  const text = readFileSync(path.join(dockerDir, file), "utf8");
  const doc = DockerfileParser.parse(text);
  const args: Record<string, string> = {};
  for (const arg of doc.getARGs()) {
    const prop = arg.getProperty();
    const name = prop?.getName();
    const value = prop?.getValue();
    if (name && value != null) args[name] = value;
  }
  const stages: Stage[] = [];
  for (const instruction of doc.getInstructions()) {
    if (instruction.getKeyword() === "FROM") {
      const words = instruction.getArgumentsContent()?.split(/\s+/) ?? [];
      const image = substitute(words.find((w) => !w.startsWith("--")) ?? "", args);
      const asIndex = words.findIndex((w) => w.toUpperCase() === "AS");
      stages.push({ name: asIndex >= 0 ? (words[asIndex + 1] ?? null) : null, image, instructions: [] });
    } else {
      stages.at(-1)?.instructions.push(instruction);
    }
  }
  const final = stages.at(-1);
  if (!final) throw new Error(`${file}: no FROM`);
  const env: Record<string, string> = {};
  let cmd: string[] | null = null;
  let healthcheck: string[] | null = null;
  let user: string | null = null;
  let workdir: string | null = null;
  const expose: number[] = [];
  for (const instruction of final.instructions) {
    const keyword = instruction.getKeyword();
    const content = instruction.getArgumentsContent() ?? "";
    if (keyword === "ENV") {
      for (const prop of (
        instruction as unknown as { getProperties(): Array<{ getName(): string; getValue(): string | null }> }
      ).getProperties()) {
        env[prop.getName()] = prop.getValue() ?? "";
      }
    } else if (keyword === "CMD") cmd = execForm(content);
    else if (keyword === "HEALTHCHECK") healthcheck = execForm(content.replace(/^CMD\s+/i, ""));
    else if (keyword === "USER") user = content.trim();
    else if (keyword === "WORKDIR") workdir = content.trim();
    else if (keyword === "EXPOSE") expose.push(...content.split(/\s+/).map((p) => Number.parseInt(p, 10)));
  }
  return { file, text, stages, final, env, cmd, healthcheck, user, workdir, expose, args };
}

/** KEY=VALUE lines of an env file (comments and blank lines skipped, no quotes processing beyond stripping). */
export function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (!line || line.startsWith("#")) continue;
    const eq = line.indexOf("=");
    if (eq <= 0) throw new Error(`not KEY=VALUE: ${line}`);
    out[line.slice(0, eq).trim()] = line
      .slice(eq + 1)
      .trim()
      .replace(/^(["'])(.*)\1$/, "$2");
  }
  return out;
}

/** Variables referenced by ${...} / $VAR in a compose file's text. */
export function composeVariables(text: string): Set<string> {
  const names = new Set<string>();
  for (const m of text.replaceAll("$$", "").matchAll(/\$\{(\w+)|\$(\w+)/g)) names.add((m[1] ?? m[2]) as string);
  return names;
}

export class InterpolationError extends Error {}

/** Compose interpolation: $$, $VAR, ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?error}, ${VAR?error}. */
export function interpolate(text: string, vars: Record<string, string | undefined>): string {
  return text.replace(
    /\$\$|\$\{(\w+)(?:(:?)([-?])([^}]*))?\}|\$(\w+)/g,
    (match, name?: string, colon?: string, op?: string, arg?: string, bare?: string) => {
      if (match === "$$") return "$";
      if (bare) return vars[bare] ?? "";
      const value = vars[name as string];
      const missing = colon ? value === undefined || value === "" : value === undefined;
      if (op === "-") return missing ? (arg ?? "") : (value as string);
      if (op === "?" && missing) throw new InterpolationError(`${name}: ${arg || "required"}`);
      return value ?? "";
    },
  );
}

export interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string };
  environment?: Record<string, string | number | boolean | null>;
  ports?: string[];
  expose?: string[];
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] | string };
  profiles?: string[];
  command?: string[] | string;
  deploy?: { resources?: { reservations?: { devices?: Array<{ driver?: string; capabilities?: string[] }> } } };
}
export interface ComposeFile {
  name?: string;
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
  [key: string]: unknown;
}

export function composeText(file: string): string {
  return readFileSync(path.join(dockerDir, file), "utf8");
}

/** A compose file after interpolation, with YAML anchors and merge keys resolved. */
export function loadCompose(file: string, vars: Record<string, string | undefined>): ComposeFile {
  return parseYaml(interpolate(composeText(file), vars), { merge: true }) as ComposeFile;
}

/** The root .env.example, with test values for the secrets it leaves empty on purpose. */
export function exampleEnv(): { raw: Record<string, string>; filled: Record<string, string> } {
  const raw = parseEnvFile(readFileSync(path.join(repoRoot, ".env.example"), "utf8"));
  const filled = { ...raw };
  for (const [key, value] of Object.entries(raw)) {
    if (value === "") filled[key] = `test-${key.toLowerCase()}-0123456789abcdef0123456789abcdef`;
  }
  return { raw, filled };
}

/** Variable names the shared config (`@earshot/config`) declares. */
export function configKeys(): Set<string> {
  const source = readFileSync(path.join(repoRoot, "packages/config/src/index.ts"), "utf8");
  const body = source.slice(source.indexOf("z.object({"));
  return new Set([...body.matchAll(/^ {2}([A-Z][A-Z0-9_]+):/gm)].map((m) => m[1] as string));
}

/** All TypeScript/JavaScript source under apps/ and packages/ (no node_modules, tests or generated code). */
export function sourceFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (["node_modules", ".next", "generated", "test"].includes(entry.name)) continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.(ts|tsx|mjs|js)$/.test(entry.name)) out.push(full);
    }
  };
  for (const top of ["apps", "packages"]) if (existsSync(path.join(repoRoot, top))) walk(path.join(repoRoot, top));
  return out;
}

/** The directory (relative to the repository root) of a workspace package, by name. */
export function workspaceDir(name: string): string {
  for (const top of ["apps", "packages"]) {
    for (const entry of readdirSync(path.join(repoRoot, top))) {
      const pkg = path.join(repoRoot, top, entry, "package.json");
      if (existsSync(pkg) && JSON.parse(readFileSync(pkg, "utf8")).name === name) return `${top}/${entry}`;
    }
  }
  throw new Error(`no workspace package ${name}`);
}

/** Workspace packages an app depends on, transitively (names like "@earshot/audio"). */
export function workspaceClosure(appDir: string): Set<string> {
  const byName = new Map<string, string>();
  for (const top of ["apps", "packages"]) {
    for (const entry of readdirSync(path.join(repoRoot, top))) {
      const pkg = path.join(repoRoot, top, entry, "package.json");
      if (existsSync(pkg)) byName.set(JSON.parse(readFileSync(pkg, "utf8")).name, pkg);
    }
  }
  const seen = new Set<string>();
  const visit = (pkgFile: string) => {
    const pkg = JSON.parse(readFileSync(pkgFile, "utf8"));
    for (const dep of Object.keys(pkg.dependencies ?? {})) {
      const file = byName.get(dep);
      if (file && !seen.has(dep)) {
        seen.add(dep);
        visit(file);
      }
    }
  };
  visit(path.join(repoRoot, appDir, "package.json"));
  return seen;
}

/** The patterns of docker/<Dockerfile>.dockerignore (comments and blank lines dropped). */
export function dockerignore(file: string): string[] {
  return readFileSync(path.join(dockerDir, `${file}.dockerignore`), "utf8")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#"));
}

/** `**` spans directories, `*` stays within one; everything else is literal. */
function globToRegex(glob: string): string {
  let out = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string;
    if (glob.startsWith("**/", i)) {
      out += "(.*/)?";
      i += 2;
    } else if (glob.startsWith("**", i)) {
      out += ".*";
      i += 1;
    } else if (c === "*") out += "[^/]*";
    else out += c.replace(/[.+?^${}()|[\]\\]/g, "\\$&");
  }
  return out;
}

/** .dockerignore semantics for the patterns we use: last match wins, `!` re-includes, a match covers subpaths. */
export function isIgnored(rel: string, patterns: string[]): boolean {
  let result = false;
  for (const raw of patterns) {
    const negate = raw.startsWith("!");
    const re = new RegExp(`^${globToRegex(negate ? raw.slice(1) : raw)}(/.*)?$`);
    if (re.test(rel)) result = !negate;
  }
  return result;
}

/**
 * Re-enacts an image build without Docker, for the processes that need no compiler step: the build context (the
 * repository minus .dockerignore) is copied to <root>/opt/earshot/app, the Dockerfile's own `pnpm install` line runs
 * there (offline, from the local pnpm store), tsx is placed beside the app as the image does, and then only what
 * the runtime stage COPYs from the build stage is kept. Returns the directory that is WORKDIR in the image.
 */
export function assembleImage(file: string, root: string): string {
  const docker = readDockerfile(file);
  const patterns = dockerignore(file);
  const appDir = path.join(root, "build/opt/earshot/app");
  const copyContext = (rel: string) => {
    for (const entry of readdirSync(path.join(repoRoot, rel), { withFileTypes: true })) {
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (isIgnored(child, patterns)) continue;
      if (entry.isDirectory()) copyContext(child);
      else if (entry.isFile()) cpSync(path.join(repoRoot, child), path.join(appDir, child));
    }
  };
  copyContext("");

  const install = docker.stages
    .flatMap((s) => s.instructions)
    .map((i) => i.getArgumentsContent() ?? "")
    .find((c) => c.includes("pnpm install"));
  const args = (install?.slice(install.indexOf("pnpm install") + "pnpm install".length) ?? "")
    .replace(/--store-dir\s+\S+/, "")
    .match(/"[^"]*"|\S+/g)
    ?.map((a) => a.replace(/^"(.*)"$/, "$1"));
  if (!args) throw new Error(`${file}: no pnpm install line`);
  const result = spawnSync("pnpm", ["install", "--offline", ...args], { cwd: appDir, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`${file}: pnpm install failed:\n${result.stdout}\n${result.stderr}`);

  // tsx one directory above the app, where `node --import tsx` resolves it (the image npm-installs it there).
  mkdirSync(path.join(root, "build/opt/earshot/node_modules"), { recursive: true });
  symlinkSync(
    realpathSync(path.join(repoRoot, "node_modules/tsx")),
    path.join(root, "build/opt/earshot/node_modules/tsx"),
  );

  const workdir = docker.workdir ?? "/";
  for (const instruction of docker.final.instructions) {
    if (instruction.getKeyword() !== "COPY") continue;
    const copy = instruction as Copy;
    if (copy.getFromFlag()?.getValue() !== "build") continue;
    const [source, dest] = (copy.getArgumentsContent() ?? "").split(/\s+/).filter((w) => !w.startsWith("--"));
    const from = path.join(root, "build", source as string);
    const to = path.join(root, "runtime", path.resolve(workdir, dest as string));
    if (!existsSync(from)) throw new Error(`${file}: COPY --from=build ${source}: not in the build stage`);
    mkdirSync(path.dirname(to), { recursive: true });
    renameSync(from, to);
  }
  return path.join(root, "runtime", workdir);
}

/**
 * Bare imports in a workspace package's runtime sources (src/, no tests) that are not in its `dependencies` or
 * `peerDependencies`: these work in the dev tree but not in an image, whose install is production-only.
 */
export function undeclaredRuntimeImports(pkgDir: string): string[] {
  const dir = path.join(repoRoot, pkgDir);
  const pkg = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8"));
  const declared = new Set([...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.peerDependencies ?? {})]);
  const files: string[] = [];
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      if (["node_modules", "generated", ".next"].includes(entry.name)) continue;
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.(ts|tsx|mjs|js)$/.test(entry.name) && !/\.test\./.test(entry.name)) files.push(full);
    }
  };
  for (const sub of ["src", "app", "lib", "components", "scripts"])
    if (existsSync(path.join(dir, sub))) walk(path.join(dir, sub));
  const problems: string[] = [];
  const importRe =
    /^\s*import\s+(?!type\b)(?:[^"';]*?\sfrom\s+)?["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)|^\s*export\s+(?!type\b)[^"';]*?\sfrom\s+["']([^"']+)["']/gm;
  for (const file of files) {
    for (const m of readFileSync(file, "utf8").matchAll(importRe)) {
      const spec = (m[1] ?? m[2] ?? m[3]) as string;
      if (/^(\.|\/|node:|@\/)/.test(spec) || builtinModules.includes(spec)) continue; // @/: a tsconfig path alias
      const name = spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : (spec.split("/")[0] as string);
      if (!declared.has(name)) problems.push(`${path.relative(repoRoot, file)} imports ${spec}`);
    }
  }
  return problems;
}
