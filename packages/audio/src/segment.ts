export interface Window {
  startS: number;
  endS: number;
}

/**
 * Overlapping windows over a recording: starts at 0, hopS, 2·hopS, … while a full window fits, then one last
 * full-length window ending exactly at the end, so the tail is covered without a short, noisy window.
 * Recordings shorter than one window give a single window [0, durationS]; zero duration gives none.
 */
export function segmentWindows(durationS: number, opts: { windowS: number; hopS: number }): Window[] {
  const { windowS, hopS } = opts;
  if (!(windowS > 0) || !(hopS > 0)) throw new RangeError(`windowS and hopS must be > 0 (got ${windowS}, ${hopS})`);
  if (!(durationS > 0)) return [];
  if (durationS <= windowS) return [{ startS: 0, endS: durationS }];
  const out: Window[] = [];
  const eps = 1e-9; // float steps like 0.1·k must not drop a window that fits exactly
  let k = 0;
  for (; k * hopS + windowS <= durationS + eps; k++) out.push({ startS: r6(k * hopS), endS: r6(k * hopS + windowS) });
  const last = out[out.length - 1]!;
  if (last.endS < durationS - eps) out.push({ startS: r6(durationS - windowS), endS: durationS });
  return out;
}

const r6 = (x: number) => Math.round(x * 1e6) / 1e6;
