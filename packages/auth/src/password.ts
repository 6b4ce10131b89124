// Password hashing with node's scrypt (no native dependency). Stored form: scrypt$N$r$p$salt$hash (base64url).
import { randomBytes, scrypt, timingSafeEqual } from "node:crypto";

const N = 16384;
const R = 8;
const P = 1;
const KEYLEN = 32;

function derive(password: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password.normalize("NFKC"), salt, KEYLEN, { N: n, r, p, maxmem: 64 * 1024 * 1024 }, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, N, R, P);
  return `scrypt$${N}$${R}$${P}$${salt.toString("base64url")}$${key.toString("base64url")}`;
}

/** False for a wrong password or an unreadable stored hash (never throws for bad input). */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split("$");
  if (parts.length !== 6) return false;
  const key = await derivedKey(password, parts.slice(0, 5).join("$"));
  const expected = Buffer.from(parts[5] as string, "base64url");
  return key !== null && key.length === expected.length && timingSafeEqual(key, expected);
}

/**
 * The key a password derives under stored parameters "scrypt$N$r$p$salt" (a stored hash without its key), or null
 * when they are unreadable. Sign-in sends it to the database, which compares it with the stored key itself.
 */
export async function derivedKey(password: string, params: string): Promise<Buffer | null> {
  const parts = params.split("$");
  if (parts.length !== 5 || parts[0] !== "scrypt") return null;
  const [n, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  if (![n, r, p].every((x) => Number.isInteger(x) && x > 0)) return null;
  return derive(password, Buffer.from(parts[4] as string, "base64url"), n, r, p);
}

/** The password rule for every password a person chooses (invitation, reset, change): length only, as NIST 800-63B. */
export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 200;

/** What is wrong with a new password, or null when it is acceptable. */
export function passwordProblem(password: string): string | null {
  const n = [...password.normalize("NFKC")].length;
  if (n < PASSWORD_MIN_LENGTH) return `the password must be at least ${PASSWORD_MIN_LENGTH} characters`;
  if (n > PASSWORD_MAX_LENGTH) return `the password must be at most ${PASSWORD_MAX_LENGTH} characters`;
  return null;
}
