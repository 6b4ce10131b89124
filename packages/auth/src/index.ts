export { type MediaCheck, type MediaClaims, type MediaKind, signMediaPath, verifyMediaSignature } from "./media.ts";
export { derivedKey, hashPassword, verifyPassword } from "./password.ts";
export {
  can,
  type Permission,
  type Principal,
  permissionsOf,
  ROLES,
  type Role,
  SCOPES,
  type Scope,
  scopesOfRole,
} from "./permissions.ts";
export {
  API_KEY_COLUMNS,
  type ApiKeyRow,
  addMembership,
  apiKeyPrincipal,
  changePassword,
  createApiKey,
  createSession,
  createUser,
  deleteSession,
  findUserByEmail,
  type MembershipInfo,
  normaliseEmail,
  type SessionInfo,
  sessionMemberships,
  sessionPrincipal,
  signIn,
  type UserRow,
} from "./store.ts";
export { hashMatches, newApiKey, newSessionToken, parseApiKey, sha256Hex } from "./tokens.ts";
