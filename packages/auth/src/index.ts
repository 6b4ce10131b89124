export { type MediaCheck, type MediaClaims, type MediaKind, signMediaPath, verifyMediaSignature } from "./media.ts";
export { hashPassword, verifyPassword } from "./password.ts";
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
  checkCredentials,
  createApiKey,
  createSession,
  createUser,
  deleteSession,
  findSession,
  findUserByEmail,
  type MembershipInfo,
  membershipsOf,
  normaliseEmail,
  sessionPrincipal,
  type UserRow,
} from "./store.ts";
export { hashMatches, newApiKey, newSessionToken, parseApiKey, sha256Hex } from "./tokens.ts";
