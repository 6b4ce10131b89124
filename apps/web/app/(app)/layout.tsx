import type { ReactNode } from "react";
import { AppShell } from "@/components/AppShell.tsx";
import { RedirectToSignIn } from "@/components/RedirectToSignIn.tsx";
import { SessionProvider } from "@/components/session.tsx";
import { GqlError } from "@/lib/gql.ts";
import { ME } from "@/lib/queries.ts";
import { serverGql } from "@/lib/server-gql.ts";
import type { Me } from "@/lib/types.ts";
import styles from "./layout.module.css";

/** Every signed-in page: the session is read on the server so pages render without a sign-in flash. */
export default async function SignedInLayout({ children }: { children: ReactNode }) {
  let me: Me | null;
  try {
    me = (await serverGql<{ me: Me | null }>(ME)).me;
  } catch (err) {
    const message = err instanceof GqlError ? err.message : "Unexpected error.";
    return (
      <main className={styles.down}>
        <h1>Earshot is not available right now</h1>
        <p>{message}</p>
        <p>Reload the page in a moment. If this persists, check that the API is running (`pnpm start`).</p>
      </main>
    );
  }
  if (!me) return <RedirectToSignIn />;
  return (
    <SessionProvider me={me}>
      <AppShell>{children}</AppShell>
    </SessionProvider>
  );
}
