"use client";

import { type KeyboardEvent, type PointerEvent, useEffect, useRef, useState } from "react";
import { formatClock } from "@/lib/format.ts";
import { type AudiowaveformJson, envelope, loadPeaks } from "@/lib/peaks.ts";
import { usePlayer } from "@/lib/player.ts";
import type { TimeRange } from "@/lib/types.ts";
import styles from "./Waveform.module.css";

interface Props {
  assetId: string;
  peaksUrl: string | null;
  durationS: number;
  /** The matching segment, drawn as a band. */
  highlight?: TimeRange | null;
  height?: number;
  /** Called with a time in seconds when the user clicks or uses the arrow keys (makes it a slider). */
  onSeek?: (seconds: number) => void;
  label: string;
}

const BAR = 2;
const GAP = 1;

function cssVar(el: Element, name: string, fallback: string): string {
  return getComputedStyle(el).getPropertyValue(name).trim() || fallback;
}

/** Canvas waveform from stored audiowaveform peaks, with the played part, the playhead and the matching segment. */
export function Waveform({ assetId, peaksUrl, durationS, highlight, height = 48, onSeek, label }: Props) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const [peaks, setPeaks] = useState<AudiowaveformJson | null>(null);
  const [failed, setFailed] = useState(false);
  const [width, setWidth] = useState(0);
  // -1 unless this asset is the one in the player: other rows do not re-render while a sound plays.
  const time = usePlayer((s) => (s.track?.assetId === assetId ? s.time : -1));

  useEffect(() => {
    if (!peaksUrl) return;
    let live = true;
    loadPeaks(assetId, peaksUrl).then(
      (json) => live && setPeaks(json),
      () => live && setFailed(true),
    );
    return () => {
      live = false;
    };
  }, [assetId, peaksUrl]);

  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas) return;
    const ro = new ResizeObserver(([entry]) => setWidth(Math.floor(entry?.contentRect.width ?? 0)));
    ro.observe(canvas);
    return () => ro.disconnect();
  }, []);

  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas || width === 0) return;
    const dpr = window.devicePixelRatio || 1;
    canvas.width = Math.round(width * dpr);
    canvas.height = Math.round(height * dpr);
    const ctx = canvas.getContext("2d");
    if (!ctx) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, width, height);
    const mid = height / 2;
    const x = (s: number) => (durationS > 0 ? (Math.min(Math.max(s, 0), durationS) / durationS) * width : 0);

    if (highlight && durationS > 0) {
      const x0 = x(highlight.startS);
      const x1 = Math.max(x(highlight.endS), x0 + 2);
      ctx.fillStyle = cssVar(canvas, "--wave-match", "rgba(245,166,35,0.28)");
      ctx.fillRect(x0, 0, x1 - x0, height);
      ctx.fillStyle = cssVar(canvas, "--wave-match-edge", "#c77c00");
      ctx.fillRect(x0, 0, 1.5, height);
      ctx.fillRect(x1 - 1.5, 0, 1.5, height);
    }

    const columns = Math.floor(width / (BAR + GAP));
    const wave = cssVar(canvas, "--wave", "#9aa6b8");
    const played = cssVar(canvas, "--wave-played", "#3e4fd8");
    const playedX = time >= 0 ? x(time) : -1;
    if (peaks) {
      const env = envelope(peaks, columns);
      for (let c = 0; c < columns; c++) {
        const top = Math.max(env.max[c] ?? 0, 0);
        const bottom = Math.min(env.min[c] ?? 0, 0);
        const h = Math.max(1, (top - bottom) * (mid - 1));
        const y = mid - top * (mid - 1);
        ctx.fillStyle = c * (BAR + GAP) < playedX ? played : wave;
        ctx.fillRect(c * (BAR + GAP), y, BAR, h);
      }
    } else {
      ctx.fillStyle = wave;
      ctx.globalAlpha = 0.5;
      ctx.fillRect(0, mid - 0.5, width, 1);
      ctx.globalAlpha = 1;
    }
    if (time >= 0) {
      ctx.fillStyle = played;
      ctx.fillRect(Math.min(playedX, width - 2), 0, 2, height);
    }
  }, [peaks, width, height, durationS, highlight, time]);

  const state = failed ? "failed" : peaks ? "loaded" : peaksUrl ? "loading" : "none";
  const note = state === "failed" ? "waveform unavailable" : state === "none" ? "no waveform yet" : "";
  const seekFromPointer = (e: PointerEvent<HTMLCanvasElement>) => {
    if (!onSeek || durationS <= 0) return;
    const rect = e.currentTarget.getBoundingClientRect();
    onSeek(((e.clientX - rect.left) / rect.width) * durationS);
  };
  const seekFromKey = (e: KeyboardEvent<HTMLCanvasElement>) => {
    if (!onSeek) return;
    const now = Math.max(time, 0);
    const step = e.shiftKey ? 10 : 1;
    if (e.key === "ArrowRight") onSeek(Math.min(durationS, now + step));
    else if (e.key === "ArrowLeft") onSeek(Math.max(0, now - step));
    else if (e.key === "Home") onSeek(0);
    else return;
    e.preventDefault();
  };

  const matchText = highlight ? `, match ${formatClock(highlight.startS)} to ${formatClock(highlight.endS)}` : "";
  return (
    <div className={styles.wrap} style={{ height }} data-peaks={state}>
      {onSeek ? (
        <canvas
          ref={canvasRef}
          className={`${styles.canvas} ${styles.seekable}`}
          role="slider"
          tabIndex={0}
          aria-label={`${label}: playhead`}
          aria-valuemin={0}
          aria-valuemax={Math.round(durationS * 10) / 10}
          aria-valuenow={Math.round(Math.max(time, 0) * 10) / 10}
          aria-valuetext={formatClock(Math.max(time, 0))}
          onPointerDown={seekFromPointer}
          onKeyDown={seekFromKey}
        />
      ) : (
        <canvas ref={canvasRef} className={styles.canvas} role="img" aria-label={`Waveform of ${label}${matchText}`} />
      )}
      {note ? <span className={styles.note}>{note}</span> : null}
    </div>
  );
}
