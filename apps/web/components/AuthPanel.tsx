import type { FormEvent, ReactNode } from "react";
import styles from "@/app/sign-in/sign-in.module.css";
import { WaveIcon } from "./icons.tsx";

/** The signed-out pages' frame (sign-in, invitation, password reset): brand, then one form or message. */
export function AuthPanel({
  title,
  onSubmit,
  children,
}: {
  title: string;
  onSubmit?: (e: FormEvent<HTMLFormElement>) => void;
  children: ReactNode;
}) {
  const body = (
    <>
      <h1 className={styles.title}>{title}</h1>
      {children}
    </>
  );
  return (
    <main className={styles.page}>
      <div className={styles.panel}>
        <div className={styles.brand}>
          <WaveIcon size={28} />
          <span>Earshot</span>
        </div>
        <p className={styles.tagline}>Search your sound archive by describing what you hear.</p>
        {onSubmit ? (
          <form className={styles.form} onSubmit={onSubmit} noValidate>
            {body}
          </form>
        ) : (
          <div className={styles.form}>{body}</div>
        )}
      </div>
    </main>
  );
}
