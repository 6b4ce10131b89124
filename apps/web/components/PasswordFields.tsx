"use client";

import { TextField } from "./ui.tsx";

/** The API's rule (packages/auth passwordProblem); the API checks it again, this only saves a round trip. */
export const PASSWORD_MIN_LENGTH = 10;

/** "Choose a password" twice, for every place a person sets their own password. */
export function NewPasswordFields({ label = "New password" }: { label?: string }) {
  return (
    <>
      <TextField
        label={label}
        name="newPassword"
        type="password"
        autoComplete="new-password"
        minLength={PASSWORD_MIN_LENGTH}
        required
        hint={`At least ${PASSWORD_MIN_LENGTH} characters. A few unrelated words make a good one.`}
      />
      <TextField label="Repeat it" name="repeatPassword" type="password" autoComplete="new-password" required />
    </>
  );
}

/** The chosen password from a form with NewPasswordFields, or a message saying what is wrong with it. */
export function readNewPassword(form: FormData): { password: string } | { problem: string } {
  const password = String(form.get("newPassword") ?? "");
  if ([...password].length < PASSWORD_MIN_LENGTH) {
    return { problem: `Choose a password of at least ${PASSWORD_MIN_LENGTH} characters.` };
  }
  if (password !== String(form.get("repeatPassword") ?? "")) return { problem: "The two passwords differ." };
  return { password };
}

/** The password a person already has, with the one way back when it is forgotten. */
export function CurrentPasswordField({ label = "Password", autoFocus }: { label?: string; autoFocus?: boolean }) {
  return (
    <TextField
      label={label}
      name="password"
      type="password"
      autoComplete="current-password"
      required
      autoFocus={autoFocus}
      hint="Forgotten it? Ask whoever runs Earshot for a password reset link."
    />
  );
}
