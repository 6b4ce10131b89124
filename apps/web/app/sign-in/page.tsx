import type { Metadata } from "next";
import { SignInForm } from "./SignInForm.tsx";

export const metadata: Metadata = { title: "Sign in" };

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const params = await searchParams;
  const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) ?? "";
  return <SignInForm next={one(params.next)} tenant={one(params.tenant)} />;
}
