"use client";

import { type FormEvent, useState } from "react";
import { CurrentPasswordField, NewPasswordFields, readNewPassword } from "@/components/PasswordFields.tsx";
import { useSession } from "@/components/session.tsx";
import { Alert, Button, Card, PageHeader } from "@/components/ui.tsx";
import { errorMessage, GqlError, gql } from "@/lib/gql.ts";
import { CHANGE_PASSWORD } from "@/lib/queries.ts";
import styles from "../admin/admin.module.css";

/** The signed-in person's own account: who they are and their password (the old one is required to change it). */
export function AccountView() {
  const me = useSession();
  const [message, setMessage] = useState<{ tone: "ok" | "danger"; text: string } | null>(null);
  const [busy, setBusy] = useState(false);

  async function change(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const formEl = e.currentTarget;
    const form = new FormData(formEl);
    const chosen = readNewPassword(form);
    if ("problem" in chosen) return setMessage({ tone: "danger", text: chosen.problem });
    setBusy(true);
    setMessage(null);
    try {
      await gql(CHANGE_PASSWORD, {
        input: { currentPassword: String(form.get("password") ?? ""), newPassword: chosen.password },
      });
      formEl.reset();
      setMessage({
        tone: "ok",
        text: "Password changed. Every other browser and device signed in as you was signed out.",
      });
    } catch (err) {
      const wrong = err instanceof GqlError && err.code === "UNAUTHENTICATED";
      setMessage({ tone: "danger", text: wrong ? "The current password is not right." : errorMessage(err) });
    } finally {
      setBusy(false);
    }
  }

  if (!me.user) return <Alert>API keys have no account page.</Alert>;
  return (
    <div className={styles.stack}>
      <PageHeader title="Account" description={`${me.user.name} · ${me.user.email}`} />
      <Card title="Change password">
        <form className={styles.form} onSubmit={change} aria-label="Change password" noValidate>
          {message ? <Alert tone={message.tone}>{message.text}</Alert> : null}
          <input type="hidden" name="username" autoComplete="username" value={me.user.email} readOnly />
          <CurrentPasswordField label="Current password" />
          <NewPasswordFields />
          <div>
            <Button type="submit" variant="primary" disabled={busy}>
              {busy ? "Changing…" : "Change password"}
            </Button>
          </div>
        </form>
      </Card>
    </div>
  );
}
