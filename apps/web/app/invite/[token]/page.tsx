import type { Metadata } from "next";
import { GqlError } from "@/lib/gql.ts";
import { INVITATION } from "@/lib/queries.ts";
import { serverGql } from "@/lib/server-gql.ts";
import type { InvitationPreview } from "@/lib/types.ts";
import { AcceptInvitationForm } from "./AcceptInvitationForm.tsx";

// The token is in the address: no Referer carries it anywhere.
export const metadata: Metadata = { title: "Invitation", referrer: "no-referrer" };

export default async function InvitePage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  try {
    const { invitation } = await serverGql<{ invitation: InvitationPreview }>(INVITATION, { token });
    return <AcceptInvitationForm token={token} preview={invitation} problem={null} />;
  } catch (err) {
    const problem =
      err instanceof GqlError && err.code === "INVALID_TOKEN"
        ? "This invitation link does not work: it was already used, was revoked, or has expired. Ask the archive's admin for a new one."
        : err instanceof GqlError
          ? err.message
          : "Unexpected error.";
    return <AcceptInvitationForm token={token} preview={null} problem={problem} />;
  }
}
