import { type LogMel, logMelSink } from "./logmel.ts";
import { type SpectralDescriptors, spectralSink } from "./spectral.ts";
import { forEachMagnitudeBlock, frameCount, type MagnitudeSink } from "./stft.ts";

/** The frontends computed here in TypeScript from the STFT (a model manifest names them). */
export const STFT_FRONTENDS = ["vggish_logmel", "spectral_descriptors"] as const;
export type StftFrontend = (typeof STFT_FRONTENDS)[number];

export interface StftFeatures {
  vggish_logmel?: LogMel;
  spectral_descriptors?: SpectralDescriptors;
}

export function isStftFrontend(name: string): name is StftFrontend {
  return (STFT_FRONTENDS as readonly string[]).includes(name);
}

/**
 * The named STFT frontends of one clip from one STFT pass (each block of the spectrum feeds all of them while it
 * is in cache): the same numbers as logMelVggish and spectralDescriptors called one by one, for one STFT's work.
 */
export function computeStftFrontends(pcm16k: Float32Array, names: Iterable<StftFrontend>): StftFeatures {
  const out: StftFeatures = {};
  const sinks: MagnitudeSink[] = [];
  for (const name of new Set(names)) {
    if (name === "vggish_logmel") {
      const { result, sink } = logMelSink(frameCount(pcm16k.length));
      out.vggish_logmel = result;
      sinks.push(sink);
    } else {
      const { result, sink } = spectralSink(pcm16k);
      out.spectral_descriptors = result;
      sinks.push(sink);
    }
  }
  if (sinks.length > 0) forEachMagnitudeBlock(pcm16k, ...sinks);
  return out;
}
