// Multipart uploads beside GraphQL: files into an upload batch (stored and queued by @earshot/ingest), and
// example clips for query by example (embedded now, kept an hour in Redis, bound to the tenant).
import { createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { decodeAudio, isAudioError } from "@earshot/audio";
import { can, type Permission, type Principal } from "@earshot/auth";
import { withTenant } from "@earshot/db";
import {
  type AddedItem,
  addUploadArchive,
  addUploadFile,
  formatBytes,
  IngestError,
  type MetadataSidecar,
  metadataFor,
  normaliseName,
  parseMetadataSidecar,
  recordRejectedFile,
} from "@earshot/ingest";
import { isUuid, tenantSearchModel } from "@earshot/search";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { ApiDeps, IngestDeps } from "./context.ts";
import { ApiError, HTTP_STATUS, toApiError } from "./errors.ts";
import { storeExample } from "./examples.ts";
import { chargeRequest, UPLOAD_COST } from "./limits.ts";
import { resolvePrincipal } from "./principal.ts";

export const MAX_EXAMPLE_BYTES = 20 * 1024 * 1024;
export const MAX_EXAMPLE_S = 60;

/** Authenticates an HTTP route like GraphQL does; cookie callers must send x-earshot-csrf (no cross-site forms). */
async function authorise(deps: ApiDeps, req: FastifyRequest, permission: Permission): Promise<Principal> {
  const { principal } = await resolvePrincipal(deps, req);
  if (!principal) throw new ApiError("UNAUTHENTICATED", "sign in or send an API key");
  if (principal.kind === "user" && req.headers["x-earshot-csrf"] !== "1") {
    throw new ApiError("FORBIDDEN", "cookie-authenticated uploads need the header x-earshot-csrf: 1");
  }
  if (!can(principal, permission)) throw new ApiError("FORBIDDEN", `this needs the ${permission} permission`);
  await chargeRequest(deps, principal, req, UPLOAD_COST);
  return principal;
}

/** The multipart parser's per-file limit (server.ts): twice the per-file limit, so a zip can hold a little more. */
export function multipartFileLimit(ingest: IngestDeps | undefined): number {
  return 2 * (ingest?.maxFileBytes ?? 512 * 1024 ** 2);
}

/** An upload that failed part-way: the error as the error handler would answer it, plus the items already made. */
function sendUploadError(reply: FastifyReply, deps: ApiDeps, err: unknown, items: AddedItem[]) {
  const e = err as { code?: string; statusCode?: number; message: string };
  let known = toApiError(err);
  if (!known && (e.statusCode === 413 || e.code?.startsWith("FST_") === true)) {
    known = new ApiError(e.statusCode === 413 ? "TOO_LARGE" : "BAD_USER_INPUT", e.message);
  }
  if (!known) {
    deps.logger.error({ err }, "unexpected error in an upload");
    known = new ApiError("INTERNAL_SERVER_ERROR", "internal error");
  }
  return reply
    .code(HTTP_STATUS[known.code])
    .header("cache-control", "no-store")
    .send({ error: { code: known.code, message: known.message }, items });
}

function requireMultipart(req: FastifyRequest) {
  if (!req.isMultipart()) throw new ApiError("BAD_USER_INPUT", "send multipart/form-data");
}

export function registerUploadRoutes(app: FastifyInstance, deps: ApiDeps) {
  app.post("/v1/uploads/:batchId/files", async (req: FastifyRequest, reply: FastifyReply) => {
    const p = await authorise(deps, req, "write");
    requireMultipart(req);
    const ingest = deps.ingest;
    if (!ingest) throw new ApiError("UNAVAILABLE", "uploads are not available: no ingest storage configured");
    const { batchId } = req.params as { batchId: string };
    const batch = isUuid(batchId)
      ? await withTenant(deps.pool, p.tenantId, async (c) => {
          const { rows } = await c.query<{ status: string }>("SELECT status FROM upload_batches WHERE id = $1", [
            batchId,
          ]);
          return rows[0];
        })
      : undefined;
    if (!batch) throw new ApiError("NOT_FOUND", "upload batch not found");
    if (batch.status !== "open") throw new ApiError("BAD_USER_INPUT", `upload batch is ${batch.status}, not open`);

    const ctx = {
      pool: deps.pool,
      tenantId: p.tenantId,
      storage: ingest.storage,
      queues: ingest.queues,
      maxFileBytes: ingest.maxFileBytes,
    };
    const items: AddedItem[] = [];
    let sidecar: MetadataSidecar | undefined;
    let tmp: string | undefined;
    try {
      // A part over the size limit ends truncated (throwFileSizeLimit: false in server.ts) instead of failing the
      // request: it gets its own TOO_LARGE item and the parts after it are still read.
      for await (const part of req.parts()) {
        if (part.type === "field") {
          if (part.fieldname !== "metadata") continue;
          try {
            sidecar = parseMetadataSidecar(String(part.value));
          } catch (err) {
            throw new ApiError("BAD_USER_INPUT", `metadata: ${(err as Error).message}`);
          }
          continue;
        }
        if (part.fieldname === "metadata") {
          const text = (await part.toBuffer()).toString("utf8");
          try {
            sidecar = parseMetadataSidecar(text, part.filename.toLowerCase().endsWith(".json") ? "json" : "csv");
          } catch (err) {
            throw new ApiError("BAD_USER_INPUT", `metadata: ${(err as Error).message}`);
          }
          continue;
        }
        if (part.fieldname !== "file") {
          part.file.resume();
          continue;
        }
        const filename = normaliseName(part.filename);
        if (filename.toLowerCase().endsWith(".zip")) {
          tmp ??= await mkdtemp(path.join(os.tmpdir(), "earshot-upload-"));
          const zipPath = path.join(tmp, `${items.length}.zip`);
          const written = createWriteStream(zipPath);
          await pipeline(part.file, written);
          if (part.file.truncated) {
            const error = new IngestError(
              "TOO_LARGE",
              `archive is over the ${formatBytes(multipartFileLimit(ingest))} limit for one uploaded file; ` +
                "split it into smaller zips or upload the files themselves",
            );
            items.push(await recordRejectedFile(ctx, batchId, filename, error, written.bytesWritten));
            continue;
          }
          try {
            items.push(...(await addUploadArchive(ctx, batchId, zipPath)));
          } catch (err) {
            if (!(err instanceof IngestError)) throw err;
            items.push(await recordRejectedFile(ctx, batchId, filename, err));
          }
          continue;
        }
        items.push(
          await addUploadFile(ctx, batchId, {
            filename,
            source: part.file,
            metadata: metadataFor(sidecar, filename),
          }),
        );
      }
    } catch (err) {
      if (items.length === 0) throw err;
      // Files before the failure are stored and queued: answer the error with their items, so the client knows
      // exactly which files got in and which to send again.
      return sendUploadError(reply, deps, err, items);
    } finally {
      if (tmp) await rm(tmp, { recursive: true, force: true });
    }
    if (items.length === 0) throw new ApiError("BAD_USER_INPUT", "no file part: send files in parts named 'file'");
    return reply.code(201).send({ items });
  });

  app.post("/v1/examples", async (req: FastifyRequest, reply: FastifyReply) => {
    const p = await authorise(deps, req, "read");
    requireMultipart(req);
    const model = await withTenant(deps.pool, p.tenantId, tenantSearchModel);
    if (!model) throw new ApiError("UNAVAILABLE", "this tenant has no search model yet");
    const part = await req.file({ limits: { fileSize: MAX_EXAMPLE_BYTES, files: 1 } });
    if (part?.fieldname !== "file") throw new ApiError("BAD_USER_INPUT", "send the clip in a part named 'file'");
    const tmp = await mkdtemp(path.join(os.tmpdir(), "earshot-example-"));
    try {
      const file = path.join(tmp, "clip");
      await pipeline(part.file, createWriteStream(file));
      if (part.file.truncated)
        throw new ApiError("TOO_LARGE", `example clips are limited to ${MAX_EXAMPLE_BYTES} bytes`);
      let pcm: Float32Array;
      try {
        pcm = await decodeAudio(file, { maxDurationS: MAX_EXAMPLE_S });
      } catch (err) {
        if (isAudioError(err))
          throw new ApiError("BAD_USER_INPUT", `${err.message} (${err.code})`, { reason: err.code });
        throw err;
      }
      const res = await deps.embedder.embedAudio(pcm).catch((err: Error) => {
        throw new ApiError("UNAVAILABLE", `the audio encoder is unavailable: ${err.message}`);
      });
      if (res.model.version !== model.version || res.model.dim !== model.dim) {
        throw new ApiError(
          "UNAVAILABLE",
          `the embedder serves ${res.model.version}, this tenant uses ${model.version}`,
        );
      }
      if (res.segments.length === 0) throw new ApiError("BAD_USER_INPUT", "the clip is too short to embed");
      const mean = new Array<number>(model.dim).fill(0);
      for (const s of res.segments)
        for (let i = 0; i < mean.length; i++)
          mean[i] = (mean[i] as number) + (s.vector[i] as number) / res.segments.length;
      const example = await storeExample(deps, p.tenantId, mean);
      return reply.code(201).send({
        exampleId: example.id,
        expiresAt: example.expiresAt.toISOString(),
        segments: res.segments.length,
      });
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  });
}
