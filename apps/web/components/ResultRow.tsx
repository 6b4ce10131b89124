"use client";

import Link from "next/link";
import { forwardRef, type ReactNode } from "react";
import { formatClock, formatDuration, formatScore } from "@/lib/format.ts";
import { player, type Track, usePlayer } from "@/lib/player.ts";
import type { AudioSummary, MatchSource, TimeRange } from "@/lib/types.ts";
import { PauseIcon, PlayIcon } from "./icons.tsx";
import styles from "./ResultRow.module.css";
import { Waveform } from "./Waveform.tsx";

export interface RowProps {
  asset: AudioSummary;
  score?: number;
  segment?: TimeRange | null;
  foundBy?: MatchSource[];
  active?: boolean;
  onActivate?: () => void;
  /** Extra controls at the end of the row (e.g. remove from collection). */
  actions?: ReactNode;
  /** Called when this row's sound ends (collections play through). */
  onEnded?: () => void;
}

export function trackOf(asset: AudioSummary, segment?: TimeRange | null): Track {
  return {
    assetId: asset.id,
    src: asset.media.streamUrl,
    title: asset.title || asset.originalFilename,
    startS: segment?.startS ?? 0,
  };
}

export function assetHref(asset: AudioSummary, segment?: TimeRange | null): string {
  return segment ? `/assets/${asset.id}?t=${segment.startS}&e=${segment.endS}` : `/assets/${asset.id}`;
}

/** One sound in a list: play button, title and tags, waveform with the matching segment, facts, score. */
export const ResultRow = forwardRef<HTMLLIElement, RowProps>(function ResultRow(
  { asset, score, segment, foundBy, active, onActivate, actions, onEnded },
  ref,
) {
  const playing = usePlayer((s) => s.track?.assetId === asset.id && s.playing);
  const title = asset.title || asset.originalFilename;
  const track = trackOf(asset, segment);
  // A segment spanning (nearly) the whole clip tells nothing: only a part of a longer recording is marked.
  const partial =
    segment && asset.durationS > 0 && segment.endS - segment.startS < 0.9 * asset.durationS ? segment : null;
  return (
    // biome-ignore lint/a11y/useKeyWithClickEvents: keyboard selection is handled by the list (j/k/arrows).
    <li
      ref={ref}
      className={styles.row}
      data-active={active ? "true" : undefined}
      data-asset-id={asset.id}
      aria-current={active ? "true" : undefined}
      tabIndex={active ? 0 : -1}
      onClick={onActivate}
      onFocus={onActivate}
    >
      <button
        type="button"
        className={styles.play}
        aria-label={playing ? `Pause ${title}` : `Play ${title}`}
        aria-pressed={playing}
        tabIndex={-1}
        onClick={(e) => {
          e.stopPropagation();
          onActivate?.();
          if (playing) player.pause();
          else player.play(track, { onEnded: onEnded });
        }}
      >
        {playing ? <PauseIcon /> : <PlayIcon />}
      </button>
      <div className={styles.text}>
        <Link href={assetHref(asset, segment)} className={styles.title} tabIndex={-1}>
          {title}
        </Link>
        <div className={styles.sub}>
          {asset.title && asset.title !== asset.originalFilename ? (
            <span className={styles.filename}>{asset.originalFilename}</span>
          ) : null}
          {asset.tags.slice(0, 4).map((t) => (
            <span key={t} className={styles.tag}>
              {t}
            </span>
          ))}
          {asset.tags.length > 4 ? <span className={styles.more}>+{asset.tags.length - 4}</span> : null}
        </div>
      </div>
      <div className={styles.wave}>
        <Waveform
          assetId={asset.id}
          peaksUrl={asset.media.peaksUrl}
          durationS={asset.durationS}
          highlight={partial}
          label={title}
          height={44}
        />
        {partial ? (
          <span className={styles.match}>
            match {formatClock(partial.startS)}–{formatClock(partial.endS)}
          </span>
        ) : null}
      </div>
      <dl className={styles.facts}>
        <div>
          <dt>Duration</dt>
          <dd>{formatDuration(asset.durationS)}</dd>
        </div>
        <div>
          <dt>Category</dt>
          <dd>{asset.category || "—"}</dd>
        </div>
        <div>
          <dt>Licence</dt>
          <dd>{asset.licence || "—"}</dd>
        </div>
      </dl>
      <div className={styles.end}>
        {score !== undefined ? (
          <div
            className={styles.score}
            title={foundBy?.length ? `Found by ${foundBy.join(" and ").toLowerCase()}` : undefined}
          >
            <span className={styles.scoreValue}>{formatScore(score)}</span>
            <span className={styles.scoreLabel}>{foundBy?.map((f) => f.toLowerCase()).join(" + ") || "score"}</span>
          </div>
        ) : null}
        {actions ? <div className={styles.actions}>{actions}</div> : null}
      </div>
    </li>
  );
});

export function SkeletonRow() {
  return (
    <li className={`${styles.row} ${styles.skeleton}`} aria-hidden="true">
      <span className={styles.play} />
      <div className={styles.text}>
        <span className={styles.bone} style={{ width: "70%" }} />
        <span className={styles.bone} style={{ width: "45%" }} />
      </div>
      <div className={styles.wave}>
        <span className={styles.bone} style={{ height: 44 }} />
      </div>
      <div className={styles.facts} />
    </li>
  );
}
