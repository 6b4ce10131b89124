// The bundle's manifest.json, validated so a broken bundle fails at load time with a message naming the field.
import { isPretrainedFrontend } from "@earshot/audio";
import { z } from "zod";
import { FRONTENDS } from "./experts.ts";

const relPath = z
  .string()
  .min(1)
  .refine((p) => !p.startsWith("/") && !p.split(/[\\/]/).includes(".."), "must be a path inside the bundle");

export const expertSchema = z.object({
  name: z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/, "letters, digits and _ (it names ONNX inputs)"),
  /** Which packages/audio frontend turns PCM into this expert's frames (fed to `onnx` when it has one). */
  frontend: z.enum(FRONTENDS),
  /** Feature size per frame fed to the audio tower (0 = whatever the frontend gives). */
  inputDim: z.number().int().min(0),
  /** Seconds between feature frames (0 = whatever the frontend reports). */
  hopS: z.number().min(0),
  /** Most frames per segment window fed to the tower (0 = no cap). */
  maxFrames: z.number().int().min(0),
  embedDim: z.number().int().positive(),
  /** Optional expert network (e.g. VGGish) run on the frontend's frames; relative to the bundle. */
  onnx: relPath.optional(),
  /** For yamnet_embedding / mn04_embedding: the network in the converted folder and its source file's sha256. */
  pretrained: z
    .object({
      network: z.string().min(1),
      source: z.string().min(1),
      sha256: z.string().regex(/^[0-9a-f]{64}$/, "64 lowercase hex digits"),
    })
    .optional(),
});

export const manifestSchema = z
  .object({
    format: z.literal("earshot-bundle/1"),
    name: z.string().min(1),
    version: z.string().min(1),
    architecture: z.enum(["CE", "MoEE"]),
    sampleRate: z.literal(16000),
    segment: z.object({ windowS: z.number().positive(), hopS: z.number().positive() }),
    dim: z.number().int().positive().max(2000),
    experts: z.array(expertSchema.passthrough()).min(1),
    audioTower: z.object({ onnx: relPath }).passthrough(),
    textTower: z
      .object({
        onnx: relPath,
        wordVectors: relPath,
        vocab: relPath,
        wordDim: z.number().int().positive(),
        maxTokens: z.number().int().positive(),
      })
      .passthrough(),
    training: z.record(z.string(), z.unknown()).optional(),
    metrics: z.record(z.string(), z.unknown()).optional(),
  })
  .passthrough()
  .superRefine((m, ctx) => {
    const names = new Set<string>();
    m.experts.forEach((e, i) => {
      if (names.has(e.name)) ctx.addIssue({ code: "custom", path: ["experts", i, "name"], message: "duplicate" });
      names.add(e.name);
      // A bundle must say which network its pretrained expert was trained on; a feature list need not.
      if (isPretrainedFrontend(e.frontend) && !e.pretrained)
        ctx.addIssue({ code: "custom", path: ["experts", i, "pretrained"], message: `required for ${e.frontend}` });
    });
    const sum = m.experts.reduce((s, e) => s + e.embedDim, 0);
    if (sum !== m.dim)
      ctx.addIssue({ code: "custom", path: ["dim"], message: `must equal the sum of expert embedDims (${sum})` });
  });

export type BundleManifest = z.infer<typeof manifestSchema>;
export type ExpertSpec = BundleManifest["experts"][number];

/** Parses manifest JSON text; returns the problems as readable lines instead of throwing. */
export function parseManifest(
  text: string,
): { ok: true; manifest: BundleManifest } | { ok: false; problems: string[] } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return { ok: false, problems: [`not valid JSON: ${(err as Error).message}`] };
  }
  const parsed = manifestSchema.safeParse(raw);
  if (parsed.success) return { ok: true, manifest: parsed.data };
  return {
    ok: false,
    problems: parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`),
  };
}
