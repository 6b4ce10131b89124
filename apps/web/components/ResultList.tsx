"use client";

import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { player } from "@/lib/player.ts";
import styles from "./ResultList.module.css";
import { assetHref, ResultRow, type RowProps, SkeletonRow, trackOf } from "./ResultRow.tsx";

type Item = Omit<RowProps, "active" | "onActivate" | "onEnded">;

interface Props {
  items: Item[];
  label: string;
  /** First load: show placeholder rows of the final height (no layout jump when results arrive). */
  loading?: boolean;
  /** j/k/arrows, space and enter act on this list (one list per page should have it). */
  keyboard?: boolean;
  /** Play the next item when one ends (collections). */
  playThrough?: boolean;
  skeletons?: number;
}

function typingInField(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName);
}

/** Rows of sounds with keyboard audition: j/k or arrows move, space plays/pauses, enter opens. */
export function ResultList({ items, label, loading, keyboard = false, playThrough = false, skeletons = 6 }: Props) {
  const router = useRouter();
  const [active, setActive] = useState(0);
  const rows = useRef<Array<HTMLLIElement | null>>([]);
  const listRef = useRef<HTMLUListElement>(null);
  const itemsRef = useRef(items);
  itemsRef.current = items;
  const activeRef = useRef(active);
  activeRef.current = active;

  // A new result set starts at the top.
  const firstId = items[0]?.asset.id;
  useEffect(() => {
    if (firstId === undefined) return;
    setActive(0);
    // Keyboard users stay in the list: focus follows the selection to the new first row.
    if (listRef.current?.contains(document.activeElement)) rows.current[0]?.focus({ preventScroll: true });
  }, [firstId]);

  const playAt = (index: number) => {
    const item = itemsRef.current[index];
    if (!item) return;
    setActive(index);
    player.play(trackOf(item.asset, item.segment), { onEnded: playThrough ? () => playAt(index + 1) : undefined });
  };

  useEffect(() => {
    if (!keyboard) return;
    const move = (to: number) => {
      const n = itemsRef.current.length;
      if (n === 0) return;
      const next = Math.min(n - 1, Math.max(0, to));
      setActive(next);
      const el = rows.current[next];
      el?.focus({ preventScroll: true });
      el?.scrollIntoView({ block: "nearest" });
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.altKey || e.ctrlKey || e.metaKey || typingInField(e.target)) return;
      if (e.target instanceof HTMLElement && e.target.closest("dialog")) return;
      const item = itemsRef.current[activeRef.current];
      if (e.key === "j" || e.key === "ArrowDown") move(activeRef.current + 1);
      else if (e.key === "k" || e.key === "ArrowUp") move(activeRef.current - 1);
      else if (e.key === " " && item) {
        // Space on a focused button or link keeps its own meaning.
        if (e.target instanceof HTMLButtonElement || e.target instanceof HTMLAnchorElement) return;
        player.toggle(trackOf(item.asset, item.segment));
      } else if (e.key === "Enter" && item) {
        if (e.target instanceof HTMLButtonElement || e.target instanceof HTMLAnchorElement) return;
        router.push(assetHref(item.asset, item.segment));
      } else return;
      e.preventDefault();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [keyboard, router]);

  if (loading && items.length === 0) {
    return (
      <ul className={styles.list} aria-label={`${label} (loading)`} aria-busy="true">
        {Array.from({ length: skeletons }, (_, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: placeholders have no identity.
          <SkeletonRow key={i} />
        ))}
      </ul>
    );
  }
  return (
    <ul
      ref={listRef}
      className={styles.list}
      aria-label={label}
      aria-busy={loading ? "true" : undefined}
      data-loading={loading ? "true" : undefined}
    >
      {items.map((item, i) => (
        <ResultRow
          key={item.asset.id}
          ref={(el) => {
            rows.current[i] = el;
          }}
          {...item}
          active={i === active}
          onActivate={() => setActive(i)}
          onEnded={playThrough ? () => playAt(i + 1) : undefined}
        />
      ))}
    </ul>
  );
}
