import { loadConfig } from "@earshot/config";

let cached: string | undefined;

/**
 * Where the GraphQL API listens, read at request time (not build time) so one build serves any port:
 * WEB_API_ORIGIN when set (tests, containers), else API_HOST:API_PORT.
 */
export function apiOrigin(): string {
  if (cached) return cached;
  const config = loadConfig();
  const host = config.API_HOST === "0.0.0.0" || config.API_HOST === "::" ? "127.0.0.1" : config.API_HOST;
  cached = (config.WEB_API_ORIGIN ?? `http://${host}:${config.API_PORT}`).replace(/\/$/, "");
  return cached;
}
