// Dockerfile lint without a Docker engine or hadolint: dockerfile-utils' validator (syntax, flags, instruction
// arguments) plus the rules we care about: multi-stage, pinned bases, non-root, health checks, exec-form
// commands that match `pnpm start`, a context that holds what COPY needs, and versions that match the repo.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import type { Copy } from "dockerfile-ast";
import { validate } from "dockerfile-utils";
import { describe, expect, it } from "vitest";
import { services } from "../../scripts/services.ts";
import {
  dockerignore,
  IMAGES,
  type ImageName,
  isIgnored,
  readDockerfile,
  repoRoot,
  undeclaredRuntimeImports,
  workspaceClosure,
  workspaceDir,
} from "./support.ts";

const APP_DIR: Record<ImageName, string> = {
  api: "apps/api",
  worker: "apps/worker",
  embedder: "apps/embedder",
  "embedder-cuda": "apps/embedder",
  web: "apps/web",
};
const PORT_ENV: Record<ImageName, string> = {
  api: "API_PORT",
  worker: "WORKER_METRICS_PORT",
  embedder: "EMBEDDER_PORT",
  "embedder-cuda": "EMBEDDER_PORT",
  web: "WEB_PORT",
};

function lockfileVersion(pkg: string): string {
  const lock = readFileSync(path.join(repoRoot, "pnpm-lock.yaml"), "utf8");
  const match = new RegExp(`\\n  ${pkg.replace("/", "\\/")}@(\\d+\\.\\d+\\.\\d+)`).exec(lock);
  if (!match?.[1]) throw new Error(`${pkg} not in pnpm-lock.yaml`);
  return match[1];
}

describe.each(Object.entries(IMAGES) as Array<[ImageName, string]>)("%s image (docker/%s)", (name, file) => {
  const docker = readDockerfile(file);
  const runtimeLines = docker.final.instructions.map((i) => `${i.getKeyword()} ${i.getArgumentsContent() ?? ""}`);

  it("passes the Dockerfile validator with no errors or warnings", () => {
    const problems = validate(docker.text).map((d) => `line ${d.range.start.line + 1}: ${d.message}`);
    expect(problems).toEqual([]);
  });

  it("is multi-stage on pinned base images", () => {
    expect(docker.stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of docker.stages) {
      if (docker.stages.some((s) => s.name === stage.image)) continue; // FROM an earlier stage
      expect(stage.image, "a tag with a version, never latest").toMatch(/^[\w./-]+:(?!latest$)[\w.-]*\d[\w.-]*$/);
    }
  });

  it("runs as a non-root user with a health check and an exec-form command", () => {
    expect(docker.user).toBeTruthy();
    expect(["root", "0", "0:0"]).not.toContain(docker.user);
    expect(docker.cmd, "CMD in exec form").not.toBeNull();
    expect(docker.healthcheck, "HEALTHCHECK CMD in exec form").toEqual([
      "node",
      "docker/healthcheck.mjs",
      expect.stringMatching(new RegExp(`^${PORT_ENV[name]}=\\d+$`)),
      expect.stringMatching(/^\/(healthz|readyz)$/),
    ]);
    expect(docker.workdir).toBe("/opt/earshot/app");
  });

  it("listens where its port variable says and exposes that port", () => {
    const port = docker.env[PORT_ENV[name]];
    expect(port).toMatch(/^\d+$/);
    expect(docker.expose).toEqual([Number(port)]);
    expect(docker.healthcheck?.[2]).toBe(`${PORT_ENV[name]}=${port}`);
    // In a container the service must listen beyond loopback.
    const hostVar = { api: "API_HOST", worker: "WORKER_METRICS_HOST", embedder: "EMBEDDER_HOST", web: "WEB_HOST" }[
      name.replace("-cuda", "") as "api"
    ];
    if (hostVar) expect(docker.env[hostVar]).toBe("0.0.0.0");
    expect(docker.env.NODE_ENV).toBe("production");
  });

  it("starts with the same command as `pnpm start` (scripts/services.ts)", () => {
    const entry = docker.cmd?.at(-1) ?? "";
    expect(entry.startsWith(`${APP_DIR[name]}/`)).toBe(true);
    const spec = services.find((s) => s.command.includes(entry));
    if (spec) expect(docker.cmd).toEqual(spec.command);
    else expect(docker.cmd).toEqual(["node", "--import", "tsx", entry]);
  });

  it("installs from the lockfile with the pinned pnpm and tsx versions", () => {
    const pnpm = JSON.parse(readFileSync(path.join(repoRoot, "package.json"), "utf8")).packageManager.split("@")[1];
    expect(docker.args.PNPM_VERSION).toBe(pnpm);
    expect(docker.args.TSX_VERSION).toBe(lockfileVersion("tsx"));
    expect(docker.text).toMatch(/pnpm install --frozen-lockfile --prod [^\n]*--filter "@earshot\/[\w-]+\.\.\."/);
  });

  it("imports at run time only what the production install provides (dependencies, not devDependencies)", () => {
    const dirs = [APP_DIR[name], ...[...workspaceClosure(APP_DIR[name])].map(workspaceDir)];
    expect(dirs.flatMap(undeclaredRuntimeImports)).toEqual([]);
  });

  it("cleans apt lists in the same layer and installs ffmpeg exactly when the app decodes audio", () => {
    for (const line of docker.stages.flatMap((s) => s.instructions).map((i) => i.getArgumentsContent() ?? "")) {
      if (!line.includes("apt-get install")) continue;
      expect(line).toContain("--no-install-recommends");
      expect(line).toContain("rm -rf /var/lib/apt/lists/*");
    }
    const decodesAudio = workspaceClosure(APP_DIR[name]).has("@earshot/audio");
    expect(runtimeLines.some((l) => /apt-get install[^\n]*\bffmpeg\b/.test(l))).toBe(decodesAudio);
  });

  it("copies only what exists in the build context, and the context leaves out secrets and local state", () => {
    const patterns = dockerignore(file);
    for (const secret of [".env", ".git/config", ".earshot/pglite", "node_modules/x", "apps/api/node_modules/x"]) {
      expect(isIgnored(secret, patterns), `${secret} ignored`).toBe(true);
    }
    expect(isIgnored(".env.example", patterns)).toBe(false);
    expect(isIgnored("pnpm-lock.yaml", patterns)).toBe(false);
    expect(isIgnored("models/default/manifest.json", patterns)).toBe(!name.startsWith("embedder"));
    // Runtime stages copy from the build stage; the paths they take must be in the repository.
    for (const stage of docker.stages) {
      for (const copy of stage.instructions.filter((i): i is Copy => i.getKeyword() === "COPY")) {
        const content = copy.getArgumentsContent() ?? "";
        const words = content.split(/\s+/).filter((w) => !w.startsWith("--"));
        const from = copy.getFromFlag()?.getValue();
        if (from === "node") continue; // the Node.js binary from the official image
        for (const source of words.slice(0, -1)) {
          const rel = from ? path.relative("/opt/earshot/app", source) : source;
          if (rel.startsWith("..") || rel === "." || rel.includes("node_modules") || rel.includes(".next")) continue;
          if (rel === "models" && !existsSync(path.join(repoRoot, "models"))) continue; // the bundle arrives with issue 4
          expect(existsSync(path.join(repoRoot, rel)), `${content}: ${rel} exists`).toBe(true);
          expect(isIgnored(rel, patterns), `${rel} is in the build context`).toBe(false);
        }
      }
    }
  });
});

describe("CUDA embedder image", () => {
  const cuda = readDockerfile(IMAGES["embedder-cuda"]);
  it("runs on an nvidia/cuda runtime base with cuDNN and installs onnxruntime's CUDA 12 provider", () => {
    expect(cuda.final.image).toMatch(/^nvidia\/cuda:12\.\d+\.\d+-cudnn-runtime-ubuntu\d+\.\d+$/);
    expect(cuda.text).toContain("ONNXRUNTIME_NODE_INSTALL=cuda12");
    expect(cuda.text).toContain("libonnxruntime_providers_cuda.so");
    expect(cuda.env.EMBEDDER_EXECUTION_PROVIDER).toBe("cuda");
  });
  it("uses the same Node.js as the other images", () => {
    const cpu = readDockerfile(IMAGES.embedder);
    expect(cuda.args.NODE_IMAGE).toBe(cpu.args.NODE_IMAGE);
    expect(cuda.text).toContain("COPY --from=node /usr/local/bin/node /usr/local/bin/node");
  });
});
