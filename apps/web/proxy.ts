// Next.js proxy (what earlier versions called middleware): a fresh CSP nonce for every page request. Next.js reads
// the policy from the request headers set here and puts the nonce on its own scripts; the browser gets the same
// policy on the response. Pages are rendered per request (app/layout.tsx), so no cached HTML carries an old nonce.
import { type NextRequest, NextResponse } from "next/server";
import { contentSecurityPolicy } from "./lib/csp.ts";

export function proxy(request: NextRequest) {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  const nonce = btoa(String.fromCharCode(...bytes));
  const policy = contentSecurityPolicy(nonce, { dev: process.env.NODE_ENV === "development" });
  const headers = new Headers(request.headers);
  headers.set("content-security-policy", policy);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set("content-security-policy", policy);
  return response;
}

export const config = {
  // Pages only: not static files, and not the routes that stream API answers (those carry the API's own policy).
  matcher: ["/((?!_next/static|_next/image|graphql|v1/|healthz|icon.svg|favicon.ico).*)"],
};
