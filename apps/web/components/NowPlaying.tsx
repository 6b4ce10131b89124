"use client";

import Link from "next/link";
import { formatClock } from "@/lib/format.ts";
import { player, usePlayer } from "@/lib/player.ts";
import { CloseIcon, PauseIcon, PlayIcon } from "./icons.tsx";
import styles from "./NowPlaying.module.css";

/** The bar at the bottom while a sound is loaded: what plays, where, and a way to stop it. */
export function NowPlaying() {
  const track = usePlayer((s) => s.track);
  const playing = usePlayer((s) => s.playing);
  const time = usePlayer((s) => Math.floor(s.time * 10) / 10);
  const duration = usePlayer((s) => s.duration);
  const error = usePlayer((s) => s.error);
  if (!track) return null;
  return (
    <section className={styles.bar} aria-label="Now playing">
      <button
        type="button"
        className={styles.play}
        aria-label={playing ? `Pause ${track.title}` : `Play ${track.title}`}
        onClick={() => player.toggle(track)}
      >
        {playing ? <PauseIcon /> : <PlayIcon />}
      </button>
      <div className={styles.info}>
        <Link href={`/assets/${track.assetId}`} className={styles.title}>
          {track.title}
        </Link>
        {error ? (
          <span className={styles.error} role="alert">
            {error}
          </span>
        ) : (
          <span className={styles.clock} aria-live="off">
            {formatClock(time)} / {formatClock(duration)}
          </span>
        )}
      </div>
      <button
        type="button"
        className={styles.close}
        aria-label="Stop and close the player"
        onClick={() => player.stop()}
      >
        <CloseIcon />
      </button>
    </section>
  );
}
