"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { useCan } from "@/components/session.tsx";
import styles from "./admin.module.css";

const TABS = [
  { href: "/admin/upload", label: "Upload", admin: false },
  { href: "/admin/keys", label: "API keys", admin: true },
  { href: "/admin/members", label: "Members", admin: true },
  { href: "/admin/model", label: "Model", admin: true },
];

export function AdminTabs() {
  const pathname = usePathname();
  const isAdmin = useCan("ADMIN");
  const tabs = TABS.filter((t) => isAdmin || !t.admin);
  if (tabs.length < 2) return null;
  return (
    <nav aria-label="Administration" className={styles.tabs}>
      {tabs.map((t) => (
        <Link
          key={t.href}
          href={t.href}
          className={styles.tab}
          aria-current={pathname.startsWith(t.href) ? "page" : undefined}
        >
          {t.label}
        </Link>
      ))}
    </nav>
  );
}
