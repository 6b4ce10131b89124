"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { type ReactNode, useState } from "react";
import { errorMessage, gql } from "@/lib/gql.ts";
import { SIGN_OUT, SWITCH_TENANT } from "@/lib/queries.ts";
import styles from "./AppShell.module.css";
import { WaveIcon } from "./icons.tsx";
import { NowPlaying } from "./NowPlaying.tsx";
import { useCan, useSession } from "./session.tsx";

function NavLink({ href, children, match }: { href: string; children: ReactNode; match: (path: string) => boolean }) {
  const pathname = usePathname();
  const active = match(pathname);
  return (
    <Link href={href} className={styles.navLink} aria-current={active ? "page" : undefined}>
      {children}
    </Link>
  );
}

function TenantSwitcher() {
  const me = useSession();
  const [error, setError] = useState<string | null>(null);
  if (me.memberships.length <= 1) {
    return <span className={styles.tenantName}>{me.tenant.name}</span>;
  }
  return (
    <>
      <label htmlFor="tenant-switcher" className="visually-hidden">
        Archive (tenant)
      </label>
      <select
        id="tenant-switcher"
        className={styles.tenantSelect}
        value={me.tenant.slug}
        title={error ?? "Switch archive"}
        onChange={async (e) => {
          try {
            await gql(SWITCH_TENANT, { slug: e.target.value });
            // A different archive: start over on the search desk with a fresh server render.
            window.location.assign("/");
          } catch (err) {
            setError(errorMessage(err));
          }
        }}
      >
        {me.memberships.map((m) => (
          <option key={m.tenantSlug} value={m.tenantSlug}>
            {m.tenantName}
          </option>
        ))}
      </select>
    </>
  );
}

/** Header with navigation, archive switcher and account; the page below; the mini player at the bottom. */
export function AppShell({ children }: { children: ReactNode }) {
  const me = useSession();
  const canUpload = useCan("ARCHIVIST");
  const isAdmin = useCan("ADMIN");
  return (
    <div className={styles.shell}>
      <a href="#main" className={styles.skip}>
        Skip to content
      </a>
      <header className={styles.header}>
        <div className={styles.headerInner}>
          <Link href="/" className={styles.brand} aria-label="Earshot, search">
            <WaveIcon size={22} />
            <span>Earshot</span>
          </Link>
          <nav aria-label="Main" className={styles.nav}>
            <NavLink href="/" match={(p) => p === "/" || p.startsWith("/assets")}>
              Search
            </NavLink>
            <NavLink href="/collections" match={(p) => p.startsWith("/collections")}>
              Collections
            </NavLink>
            {canUpload ? (
              <NavLink href="/admin/upload" match={(p) => p.startsWith("/admin/upload")}>
                Upload
              </NavLink>
            ) : null}
            {isAdmin ? (
              <NavLink href="/admin/keys" match={(p) => p.startsWith("/admin") && !p.startsWith("/admin/upload")}>
                Admin
              </NavLink>
            ) : null}
          </nav>
          <div className={styles.account}>
            <TenantSwitcher />
            {me.user ? (
              <Link href="/account" className={styles.user} title={`${me.user.email}: account and password`}>
                {me.user.name}
                <span className={styles.role}>{me.role?.toLowerCase()}</span>
              </Link>
            ) : (
              <span className={styles.user}>
                API key
                <span className={styles.role}>{me.role?.toLowerCase()}</span>
              </span>
            )}
            <button
              type="button"
              className={styles.signOut}
              onClick={async () => {
                await gql(SIGN_OUT).catch(() => {});
                window.location.assign("/sign-in");
              }}
            >
              Sign out
            </button>
          </div>
        </div>
      </header>
      <main id="main" className={styles.main}>
        {children}
      </main>
      <NowPlaying />
    </div>
  );
}
