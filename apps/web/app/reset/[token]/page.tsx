import type { Metadata } from "next";
import { ResetPasswordForm } from "./ResetPasswordForm.tsx";

// The token is in the address: no Referer carries it anywhere.
export const metadata: Metadata = { title: "Set your password", referrer: "no-referrer" };

export default async function ResetPage({ params }: { params: Promise<{ token: string }> }) {
  return <ResetPasswordForm token={(await params).token} />;
}
