"use client";

import { useSyncExternalStore } from "react";

/** One sound the shared player can play. */
export interface Track {
  assetId: string;
  src: string;
  title: string;
  /** Where to start (the matching segment of a search hit). */
  startS?: number;
}

export interface PlayerState {
  track: Track | null;
  playing: boolean;
  /** Seconds into the current track. */
  time: number;
  duration: number;
  error: string | null;
}

// One <audio> element for the whole app: starting a sound stops the previous one, and every waveform
// reads the same playhead. A tiny external store keeps re-renders to the components that read it.
let state: PlayerState = { track: null, playing: false, time: 0, duration: 0, error: null };
const listeners = new Set<() => void>();
let audio: HTMLAudioElement | null = null;
let frame = 0;
let pendingSeek: number | null = null;
let onEnded: (() => void) | null = null;

function set(patch: Partial<PlayerState>) {
  state = { ...state, ...patch };
  for (const l of listeners) l();
}

function tick() {
  if (!audio) return;
  set({ time: audio.currentTime });
  if (!audio.paused) frame = requestAnimationFrame(tick);
}

function element(): HTMLAudioElement {
  if (audio) return audio;
  audio = new Audio();
  audio.preload = "auto";
  audio.addEventListener("loadedmetadata", () => {
    if (!audio) return;
    set({ duration: audio.duration });
    if (pendingSeek !== null) {
      audio.currentTime = pendingSeek;
      pendingSeek = null;
    }
  });
  audio.addEventListener("play", () => {
    set({ playing: true, error: null });
    cancelAnimationFrame(frame);
    frame = requestAnimationFrame(tick);
  });
  audio.addEventListener("pause", () => set({ playing: false, time: audio?.currentTime ?? 0 }));
  audio.addEventListener("ended", () => {
    set({ playing: false });
    onEnded?.();
  });
  audio.addEventListener("error", () =>
    set({ playing: false, error: "This sound could not be played (the link may have expired: reload the page)." }),
  );
  return audio;
}

export const player = {
  get state() {
    return state;
  },
  subscribe(listener: () => void) {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  /** Plays a track from its start point (or resumes it when it is already loaded and `resume`). */
  play(track: Track, opts: { resume?: boolean; onEnded?: () => void } = {}) {
    const el = element();
    onEnded = opts.onEnded ?? null;
    if (state.track?.assetId === track.assetId && opts.resume && el.src) {
      void el.play().catch(() => {});
      return;
    }
    const start = track.startS ?? 0;
    set({ track, time: start, duration: 0, error: null });
    pendingSeek = start > 0 ? start : null;
    el.src = track.src;
    void el.play().catch((err: Error) => {
      if (err.name !== "AbortError") set({ error: `Playback failed: ${err.message}` });
    });
  },
  pause() {
    audio?.pause();
  },
  /** Space bar behaviour: pause if this track plays, else (re)start it. */
  toggle(track: Track) {
    if (state.track?.assetId === track.assetId && state.playing) player.pause();
    else player.play(track, { resume: state.track?.assetId === track.assetId });
  },
  seek(seconds: number) {
    const el = element();
    if (el.readyState >= 1) el.currentTime = seconds;
    else pendingSeek = seconds;
    set({ time: seconds });
  },
  stop() {
    if (!audio) return;
    audio.pause();
    onEnded = null;
    set({ track: null, playing: false, time: 0 });
  },
};

/** Subscribes a component to one value of the player (re-renders only when that value changes). */
export function usePlayer<T>(select: (s: PlayerState) => T): T {
  return useSyncExternalStore(
    player.subscribe,
    () => select(state),
    () => select({ track: null, playing: false, time: 0, duration: 0, error: null }),
  );
}
