// Roles (users) and scopes (API keys) both reduce to three permission levels.

export type Role = "viewer" | "archivist" | "admin";
export type Scope = "search" | "ingest" | "admin";
export const ROLES: readonly Role[] = ["viewer", "archivist", "admin"];
export const SCOPES: readonly Scope[] = ["search", "ingest", "admin"];

/** read: search, list, play. write: edit metadata, collections, uploads. admin: keys, members, re-index. */
export type Permission = "read" | "write" | "admin";

export type Principal =
  | { kind: "user"; userId: string; tenantId: string; role: Role; sessionId: string }
  | { kind: "apiKey"; apiKeyId: string; tenantId: string; scopes: Scope[] };

const ROLE_GRANTS: Record<Role, Permission[]> = {
  viewer: ["read"],
  archivist: ["read", "write"],
  admin: ["read", "write", "admin"],
};
const SCOPE_GRANTS: Record<Scope, Permission[]> = {
  search: ["read"],
  ingest: ["read", "write"],
  admin: ["read", "write", "admin"],
};

export function permissionsOf(p: Principal): Set<Permission> {
  const grants = p.kind === "user" ? ROLE_GRANTS[p.role] : p.scopes.flatMap((s) => SCOPE_GRANTS[s]);
  return new Set(grants);
}

export function can(p: Principal, permission: Permission): boolean {
  return permissionsOf(p).has(permission);
}

/** The scopes a user's role amounts to (shown by `me`). */
export function scopesOfRole(role: Role): Scope[] {
  return role === "admin" ? ["search", "ingest", "admin"] : role === "archivist" ? ["search", "ingest"] : ["search"];
}
