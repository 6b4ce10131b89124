"use client";

import { type KeyboardEvent, useId, useState } from "react";
import { CloseIcon } from "./icons.tsx";
import styles from "./TagInput.module.css";

/** Tags as removable chips plus a box that adds one on Enter or comma. */
export function TagInput({
  label,
  value,
  onChange,
  disabled,
}: {
  label: string;
  value: string[];
  onChange: (tags: string[]) => void;
  disabled?: boolean;
}) {
  const id = useId();
  const [draft, setDraft] = useState("");
  const add = (raw: string) => {
    const tags = raw
      .split(",")
      .map((t) => t.trim())
      .filter((t) => t && t.length <= 100 && !value.includes(t));
    if (tags.length) onChange([...value, ...tags]);
    setDraft("");
  };
  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === "Enter" || e.key === ",") {
      e.preventDefault();
      add(draft);
    } else if (e.key === "Backspace" && !draft && value.length) {
      onChange(value.slice(0, -1));
    }
  };
  return (
    <div className={styles.field}>
      <label htmlFor={id} className={styles.label}>
        {label}
      </label>
      <div className={styles.box} data-disabled={disabled ? "true" : undefined}>
        <ul className={styles.chips} aria-label={`${label}: ${value.length}`}>
          {value.map((t) => (
            <li key={t} className={styles.chip}>
              {t}
              {disabled ? null : (
                <button
                  type="button"
                  aria-label={`Remove tag ${t}`}
                  onClick={() => onChange(value.filter((x) => x !== t))}
                >
                  <CloseIcon size={12} />
                </button>
              )}
            </li>
          ))}
        </ul>
        {disabled ? null : (
          <input
            id={id}
            className={styles.input}
            value={draft}
            placeholder={value.length ? "Add a tag" : "Add tags: type and press Enter"}
            onChange={(e) => setDraft(e.target.value)}
            onKeyDown={onKeyDown}
            onBlur={() => draft.trim() && add(draft)}
          />
        )}
      </div>
    </div>
  );
}
