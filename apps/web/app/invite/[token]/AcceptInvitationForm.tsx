"use client";

import { type FormEvent, useState } from "react";
import { AuthPanel } from "@/components/AuthPanel.tsx";
import { CurrentPasswordField, NewPasswordFields, readNewPassword } from "@/components/PasswordFields.tsx";
import { Alert, Button, TextField } from "@/components/ui.tsx";
import { formatDate } from "@/lib/format.ts";
import { errorMessage, GqlError, gql } from "@/lib/gql.ts";
import { ACCEPT_INVITATION } from "@/lib/queries.ts";
import type { InvitationPreview } from "@/lib/types.ts";

/**
 * Opens an invitation: a new email chooses its password and name; an existing account gives its password (or is
 * already signed in). The API decides which from the invitation itself, never from what this page sends.
 */
export function AcceptInvitationForm({
  token,
  preview,
  problem,
}: {
  token: string;
  preview: InvitationPreview | null;
  problem: string | null;
}) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    if (!preview) return;
    const form = new FormData(e.currentTarget);
    const input: Record<string, string> = { token };
    if (!preview.accountExists) {
      const chosen = readNewPassword(form);
      if ("problem" in chosen) return setError(chosen.problem);
      input.password = chosen.password;
      const name = String(form.get("name") ?? "").trim();
      if (name) input.name = name;
    } else if (!preview.signedInAsInvitee) {
      input.password = String(form.get("password") ?? "");
    }
    setBusy(true);
    setError(null);
    try {
      await gql(ACCEPT_INVITATION, { input });
      window.location.assign("/");
    } catch (err) {
      setError(
        err instanceof GqlError && err.code === "UNAUTHENTICATED"
          ? `That is not the password of ${preview.email}'s account.`
          : errorMessage(err),
      );
      setBusy(false);
    }
  }

  if (!preview) {
    return (
      <AuthPanel title="Invitation">
        <Alert>{problem}</Alert>
      </AuthPanel>
    );
  }
  const role = preview.role.toLowerCase();
  return (
    <AuthPanel title={`Join ${preview.tenantName}`} onSubmit={submit}>
      <p>
        <strong>{preview.email}</strong> is invited as {role}. This link works once, until{" "}
        {formatDate(preview.expiresAt)}.
      </p>
      {error ? <Alert>{error}</Alert> : null}
      {preview.signedInAsInvitee ? (
        <p>You are signed in as {preview.email}.</p>
      ) : preview.accountExists ? (
        <>
          <p>This email already has an Earshot account: enter its password to accept.</p>
          <input type="hidden" name="username" autoComplete="username" value={preview.email} readOnly />
          <CurrentPasswordField autoFocus />
        </>
      ) : (
        <>
          <input type="hidden" name="username" autoComplete="username" value={preview.email} readOnly />
          <TextField label="Your name" name="name" autoComplete="name" maxLength={200} autoFocus />
          <NewPasswordFields label="Choose a password" />
        </>
      )}
      <Button type="submit" variant="primary" size="lg" disabled={busy}>
        {busy ? "Joining…" : `Accept and join as ${role}`}
      </Button>
    </AuthPanel>
  );
}
