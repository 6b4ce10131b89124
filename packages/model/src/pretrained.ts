// Bundles whose experts run a pretrained AudioSet network (YAMNet, mn04) name it, never carry it: the network is
// read from the folder scripts/setup.sh converts it into (models/pretrained, or $EARSHOT_PRETRAINED_MODELS), and
// must come from the same source file (sha256 in that folder's manifest.json) the bundle was trained with.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { PRETRAINED_FRONTENDS, type PretrainedFrontend } from "@earshot/audio";
import { repoRoot } from "@earshot/config";
import { ModelError } from "./errors.ts";

/** A bundle expert's reference to its network: the converted folder's manifest key and source file hash. */
export interface PretrainedRef {
  network: string;
  source: string;
  sha256: string;
}

interface ConvertedManifest {
  sources: Record<string, string>;
  experts: Record<string, { onnx: string }>;
}

export function pretrainedDir(dir?: string): string {
  return path.resolve(dir ?? process.env.EARSHOT_PRETRAINED_MODELS ?? path.join(repoRoot, "models/pretrained"));
}

const SETUP_HINT =
  "run scripts/setup.sh on a machine with ../shared/models/pretrained (or set EARSHOT_PRETRAINED_MODELS to a converted folder); the self-contained default bundle needs neither";

/**
 * The ONNX file of the network a pretrained frontend needs. With `ref` (a bundle's expert), the converted folder
 * must hold it converted from the same source file; without one (a feature cache), whatever is converted there.
 */
export async function resolvePretrained(
  expert: string,
  frontend: PretrainedFrontend,
  ref: PretrainedRef | undefined,
  dir?: string,
): Promise<string> {
  const root = pretrainedDir(dir);
  const network = PRETRAINED_FRONTENDS[frontend];
  const text = await readFile(path.join(root, "manifest.json"), "utf8").catch(() => null);
  if (text === null) {
    throw new ModelError(
      "PRETRAINED_MISSING",
      `expert ${expert} needs the pretrained network ${network}, but ${root} holds no converted networks: ${SETUP_HINT}`,
    );
  }
  const converted = JSON.parse(text) as ConvertedManifest;
  const entry = converted.experts?.[network];
  if (!entry) {
    throw new ModelError("PRETRAINED_MISSING", `expert ${expert}: ${root} has no network ${network}: ${SETUP_HINT}`);
  }
  if (ref) {
    if (ref.network !== network) {
      throw new ModelError(
        "BUNDLE_INVALID",
        `expert ${expert}: frontend ${frontend} runs ${network}, the bundle names ${ref.network}`,
      );
    }
    const have = converted.sources?.[ref.source];
    if (have !== ref.sha256) {
      throw new ModelError(
        "PRETRAINED_MISMATCH",
        `expert ${expert} was trained on ${network} from ${ref.source} (sha256 ${ref.sha256.slice(0, 16)}), but ${root} was converted from ${have ? `sha256 ${have.slice(0, 16)}` : "other files"}`,
      );
    }
  }
  return path.join(root, entry.onnx);
}
