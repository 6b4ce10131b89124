"use client";

import { useState } from "react";
import { Button } from "@/components/ui.tsx";
import styles from "./admin.module.css";

/** A secret shown once (an API key, an invitation link), selectable in one click, with a copy button. */
export function CopySecret({ value, testId }: { value: string; testId?: string }) {
  // Remembers what was copied, so a new secret in the same place starts as not copied.
  const [copied, setCopied] = useState<string | null>(null);
  return (
    <div className={styles.secret}>
      <code data-testid={testId}>{value}</code>
      <Button
        onClick={async () => {
          await navigator.clipboard?.writeText(value).catch(() => {});
          setCopied(value);
        }}
      >
        {copied === value ? "Copied" : "Copy"}
      </Button>
    </div>
  );
}
