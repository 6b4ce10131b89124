// Audio bytes and waveform peaks over plain HTTP through short-lived signed URLs (see README): no cookie needed,
// so <audio src> works; the signature binds kind, asset, tenant and expiry; Range requests answer 206.
import { createReadStream } from "node:fs";
import type { Readable } from "node:stream";
import { type MediaKind, signMediaPath, verifyMediaSignature } from "@earshot/auth";
import type { Storage } from "@earshot/ingest";
import { isUuid } from "@earshot/search";
import type { FastifyInstance, FastifyReply } from "fastify";
import type { ApiDeps } from "./context.ts";
import { type ErrorCode, HTTP_STATUS } from "./errors.ts";

/** Where stored originals live; keys come from audio_assets.storage_key. */
export interface MediaStore {
  size(key: string): Promise<number | null>;
  read(key: string, range?: { start: number; end: number }): Promise<Readable>;
}

/** Media from the ingest storage (local files; ranged reads straight from disk). */
export function storageMediaStore(storage: Pick<Storage, "stat" | "localPath">): MediaStore {
  return {
    async size(key) {
      try {
        return (await storage.stat(key))?.size ?? null;
      } catch {
        return null;
      }
    },
    async read(key, range) {
      return createReadStream(await storage.localPath(key), range);
    },
  };
}

export function mediaUrls(deps: ApiDeps, tenantId: string, asset: { id: string; hasPeaks: boolean }) {
  const exp = Math.floor(Date.now() / 1000) + (deps.mediaTtlS ?? 900);
  const claims = (kind: MediaKind) => ({ kind, assetId: asset.id, tenantId, exp });
  return {
    streamUrl: signMediaPath(deps.mediaSecret, claims("audio")),
    downloadUrl: signMediaPath(deps.mediaSecret, claims("audio"), { dl: "1" }),
    peaksUrl: asset.hasPeaks ? signMediaPath(deps.mediaSecret, claims("peaks")) : null,
    expiresAt: new Date(exp * 1000),
  };
}

export function sendError(reply: FastifyReply, code: ErrorCode, message: string) {
  return reply
    .code(HTTP_STATUS[code])
    .header("cache-control", "no-store")
    .type("application/json; charset=utf-8")
    .send({ error: { code, message } });
}

/** Parses a single byte range; null = serve the whole file; "invalid" = 416. Multi-range requests get the whole file. */
export function parseRange(
  header: string | undefined,
  size: number,
): { start: number; end: number } | null | "invalid" {
  if (!header) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m) return header.includes(",") ? null : "invalid";
  const [, a, b] = m as unknown as [string, string, string];
  if (a === "" && b === "") return "invalid";
  let start: number;
  let end: number;
  if (a === "") {
    const n = Number(b);
    if (n === 0) return "invalid";
    start = Math.max(0, size - n);
    end = size - 1;
  } else {
    start = Number(a);
    end = b === "" ? size - 1 : Math.min(Number(b), size - 1);
  }
  if (start >= size || start > end) return "invalid";
  return { start, end };
}

export function registerMediaRoutes(app: FastifyInstance, deps: ApiDeps) {
  const handler = (kind: MediaKind) => async (req: import("fastify").FastifyRequest, reply: FastifyReply) => {
    const { assetId } = req.params as { assetId: string };
    const query = req.query as Record<string, string | undefined>;
    if (!isUuid(assetId)) return sendError(reply, "NOT_FOUND", "no such media");
    const check = verifyMediaSignature(deps.mediaSecret, kind, assetId, query);
    if (!check.ok) {
      return sendError(
        reply,
        "FORBIDDEN",
        check.reason === "expired" ? "this media URL has expired" : "bad media URL signature",
      );
    }
    // The signature names the tenant and the asset: the database returns that one asset of that tenant (the URL is
    // the credential here, and it is checked above, so there is no session to enter the tenant with).
    const { rows } = await deps.pool.query<{
      storage_key: string;
      mime: string;
      original_filename: string;
      peaks: unknown;
    }>("SELECT * FROM earshot_media_asset($1, $2)", [check.claims.tenantId, assetId]);
    const asset = rows[0];
    if (!asset) return sendError(reply, "NOT_FOUND", "no such media");
    reply.header("cache-control", "private, max-age=300");
    if (kind === "peaks") {
      if (asset.peaks == null) return sendError(reply, "NOT_FOUND", "this asset has no peaks yet");
      return reply.type("application/json").send(asset.peaks);
    }
    const size = await deps.media.size(asset.storage_key);
    if (size === null) return sendError(reply, "NOT_FOUND", "the stored audio file is missing");
    const range = parseRange(req.headers.range, size);
    if (range === "invalid") {
      reply.header("content-range", `bytes */${size}`);
      return sendError(reply, "RANGE_NOT_SATISFIABLE", `the file has ${size} bytes`);
    }
    reply.header("accept-ranges", "bytes").type(asset.mime || "application/octet-stream");
    if (query.dl === "1") {
      const name = asset.original_filename.replace(/["\\\r\n]/g, "_");
      reply.header(
        "content-disposition",
        `attachment; filename="${name}"; filename*=UTF-8''${encodeURIComponent(asset.original_filename)}`,
      );
    }
    if (range) {
      reply.code(206).header("content-range", `bytes ${range.start}-${range.end}/${size}`);
      reply.header("content-length", range.end - range.start + 1);
    } else reply.header("content-length", size);
    // HEAD: fastify's automatic HEAD route runs this handler and drops the body, keeping the headers.
    return reply.send(await deps.media.read(asset.storage_key, range ?? undefined));
  };
  // GET routes in fastify answer HEAD too (exposeHeadRoutes).
  app.get("/v1/media/audio/:assetId", handler("audio"));
  app.get("/v1/media/peaks/:assetId", handler("peaks"));
}
