"use client";

import { type FormEvent, useState } from "react";
import { AuthPanel } from "@/components/AuthPanel.tsx";
import { CurrentPasswordField } from "@/components/PasswordFields.tsx";
import { Alert, Button, TextField } from "@/components/ui.tsx";
import { errorMessage, GqlError, gql } from "@/lib/gql.ts";
import { SIGN_IN } from "@/lib/queries.ts";

/** Only same-site paths are followed after sign-in (no open redirect). */
function safeNext(next: string): string {
  return next.startsWith("/") && !next.startsWith("//") ? next : "/";
}

export function SignInForm({ next, tenant }: { next: string; tenant: string }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const tenantSlug = String(form.get("tenant") ?? "").trim();
    setBusy(true);
    setError(null);
    try {
      await gql(SIGN_IN, {
        input: {
          email: String(form.get("email") ?? "").trim(),
          password: String(form.get("password") ?? ""),
          ...(tenantSlug ? { tenantSlug } : {}),
        },
      });
      window.location.assign(safeNext(next));
    } catch (err) {
      setError(
        err instanceof GqlError && err.code === "UNAUTHENTICATED"
          ? "That email and password do not match an account. Check both and try again."
          : errorMessage(err),
      );
      setBusy(false);
    }
  }

  return (
    <AuthPanel title="Sign in" onSubmit={submit}>
      {error ? <Alert>{error}</Alert> : null}
      <TextField label="Email" name="email" type="email" autoComplete="username" required autoFocus />
      <CurrentPasswordField />
      <TextField
        label="Archive (optional)"
        name="tenant"
        autoComplete="organization"
        hint="The archive's short name, if you belong to several. You can switch later."
        defaultValue={tenant}
      />
      <Button type="submit" variant="primary" size="lg" disabled={busy}>
        {busy ? "Signing in…" : "Sign in"}
      </Button>
    </AuthPanel>
  );
}
