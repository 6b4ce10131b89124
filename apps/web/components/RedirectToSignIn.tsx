"use client";

import { useEffect } from "react";
import { redirectToSignIn } from "@/lib/use-query.ts";

/** Rendered instead of a page when there is no session: go to sign-in and come back here afterwards. */
export function RedirectToSignIn() {
  useEffect(() => redirectToSignIn(), []);
  return <p style={{ padding: 24 }}>Redirecting to sign in…</p>;
}
