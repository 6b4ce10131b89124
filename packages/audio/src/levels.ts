export interface Levels {
  /** Largest absolute sample value. */
  peak: number;
  /** RMS level in dBFS (-Infinity for digital silence). */
  rmsDb: number;
  /** True when the peak stays below silenceDb: valid audio, but nothing for a content model to find. */
  silent: boolean;
}

/** Silence is not an error (archives hold room tone and blank tape), so callers flag it with this instead. */
export function measureLevels(pcm: Float32Array, silenceDb = -60): Levels {
  let peak = 0;
  let sq = 0;
  for (let i = 0; i < pcm.length; i++) {
    const x = pcm[i]!;
    sq += x * x;
    const a = Math.abs(x);
    if (a > peak) peak = a;
  }
  const rmsDb = 10 * Math.log10(pcm.length ? sq / pcm.length : 0);
  return { peak, rmsDb, silent: peak < 10 ** (silenceDb / 20) };
}
