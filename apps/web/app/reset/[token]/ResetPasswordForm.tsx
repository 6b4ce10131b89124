"use client";

import Link from "next/link";
import { type FormEvent, useState } from "react";
import { AuthPanel } from "@/components/AuthPanel.tsx";
import { NewPasswordFields, readNewPassword } from "@/components/PasswordFields.tsx";
import { Alert, Button } from "@/components/ui.tsx";
import { errorMessage, GqlError, gql } from "@/lib/gql.ts";
import { RESET_PASSWORD } from "@/lib/queries.ts";

/** An operator's set/reset-password link (`earshot user reset-link`): choose a password, then sign in with it. */
export function ResetPasswordForm({ token }: { token: string }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [doneFor, setDoneFor] = useState<string | null>(null);

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const chosen = readNewPassword(new FormData(e.currentTarget));
    if ("problem" in chosen) return setError(chosen.problem);
    setBusy(true);
    setError(null);
    try {
      const res = await gql<{ resetPassword: { email: string } }>(RESET_PASSWORD, {
        input: { token, newPassword: chosen.password },
      });
      setDoneFor(res.resetPassword.email);
    } catch (err) {
      setError(
        err instanceof GqlError && err.code === "INVALID_TOKEN"
          ? "This link does not work: it was already used or has expired. Ask whoever runs Earshot for a new one."
          : errorMessage(err),
      );
    } finally {
      setBusy(false);
    }
  }

  if (doneFor) {
    return (
      <AuthPanel title="Password set">
        <Alert tone="ok">
          The password of {doneFor} is set. Every session of this account was signed out; sign in again.
        </Alert>
        <Link href="/sign-in">Sign in</Link>
      </AuthPanel>
    );
  }
  return (
    <AuthPanel title="Set your password" onSubmit={submit}>
      {error ? <Alert>{error}</Alert> : null}
      <NewPasswordFields />
      <Button type="submit" variant="primary" size="lg" disabled={busy}>
        {busy ? "Saving…" : "Set password"}
      </Button>
    </AuthPanel>
  );
}
