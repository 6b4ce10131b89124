"use client";

import { createContext, type ReactNode, useContext } from "react";
import type { Me, Role } from "@/lib/types.ts";

const SessionContext = createContext<Me | null>(null);

export function SessionProvider({ me, children }: { me: Me; children: ReactNode }) {
  return <SessionContext.Provider value={me}>{children}</SessionContext.Provider>;
}

/** The signed-in caller; only rendered inside the signed-in layout, so never null there. */
export function useSession(): Me {
  const me = useContext(SessionContext);
  if (!me) throw new Error("useSession outside the signed-in layout");
  return me;
}

const RANK: Record<Role, number> = { VIEWER: 0, ARCHIVIST: 1, ADMIN: 2 };

/** Whether the caller's role is at least `role` (the API enforces the same rule; this only hides controls). */
export function useCan(role: Role): boolean {
  const me = useSession();
  return me.role !== null && RANK[me.role] >= RANK[role];
}
