// Plain-HTTP endpoints: signed media URLs (Range, expiry, tampering, tenant binding) and multipart uploads.
import { signMediaPath } from "@earshot/auth";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedWorld, type World } from "./fixtures.ts";
import { createHarness, type Harness } from "./harness.ts";

let h: Harness;
let w: World;
const BYTES = Buffer.from("RIFF....WAVEfmt fake audio bytes 0123456789");

beforeAll(async () => {
  h = await createHarness();
  w = await seedWorld(h);
});
afterAll(async () => {
  await h?.close();
});

async function mediaOf(assetId: string, bearer = w.keys.search.bearer) {
  const r = await h.gql<{ audio: { media: { streamUrl: string; downloadUrl: string; peaksUrl: string } } }>(
    { bearer },
    "query($id: ID!) { audio(id: $id) { media { streamUrl downloadUrl peaksUrl } } }",
    { id: assetId },
  );
  return r.data?.audio.media as { streamUrl: string; downloadUrl: string; peaksUrl: string };
}

describe("signed media URLs", () => {
  it("stream the bytes without any cookie or header, with Range support", async () => {
    const { streamUrl } = await mediaOf(w.assets.rain);
    const full = await h.app.inject({ method: "GET", url: streamUrl });
    expect(full.statusCode).toBe(200);
    expect(full.headers["accept-ranges"]).toBe("bytes");
    expect(full.headers["content-type"]).toBe("audio/wav");
    expect(full.rawPayload.equals(BYTES)).toBe(true);

    const part = await h.app.inject({ method: "GET", url: streamUrl, headers: { range: "bytes=4-7" } });
    expect(part.statusCode).toBe(206);
    expect(part.headers["content-range"]).toBe(`bytes 4-7/${BYTES.length}`);
    expect(part.body).toBe("....");
    const suffix = await h.app.inject({ method: "GET", url: streamUrl, headers: { range: "bytes=-4" } });
    expect(suffix.body).toBe("6789");
    const open = await h.app.inject({ method: "GET", url: streamUrl, headers: { range: "bytes=40-" } });
    expect(open.body).toBe(BYTES.subarray(40).toString());
    const bad = await h.app.inject({ method: "GET", url: streamUrl, headers: { range: "bytes=999-" } });
    expect(bad.statusCode).toBe(416);
    expect(bad.headers["content-range"]).toBe(`bytes */${BYTES.length}`);
    const head = await h.app.inject({ method: "HEAD", url: streamUrl });
    expect(head.statusCode).toBe(200);
    expect(head.headers["content-length"]).toBe(String(BYTES.length));
  });

  it("download URL sets Content-Disposition; peaks URL serves the waveform JSON", async () => {
    const { downloadUrl, peaksUrl } = await mediaOf(w.assets.rain);
    const dl = await h.app.inject({ method: "GET", url: downloadUrl });
    expect(dl.headers["content-disposition"]).toMatch(/^attachment; filename="rain roof.wav"/);
    const peaks = await h.app.inject({ method: "GET", url: peaksUrl });
    expect(peaks.statusCode).toBe(200);
    expect(peaks.json()).toMatchObject({ version: 2, data: [0, 1, -1, 2] });
  });

  it("refuses expired, tampered, re-targeted and cross-tenant URLs", async () => {
    const { streamUrl } = await mediaOf(w.assets.rain);
    const url = new URL(streamUrl, "http://x");
    const get = (u: string) => h.app.inject({ method: "GET", url: u });
    // Another asset id with the same signature.
    const moved = streamUrl.replace(w.assets.rain, w.assets.dog);
    expect((await get(moved)).statusCode).toBe(403);
    // Extended expiry.
    const extended = new URL(url);
    extended.searchParams.set("exp", String(Number(url.searchParams.get("exp")) + 3600));
    expect((await get(extended.pathname + extended.search)).statusCode).toBe(403);
    // Tenant swapped to beta (owner of the secret asset) with alpha's signature.
    const swapped = new URL(url);
    swapped.searchParams.set("t", w.b.id);
    expect((await get(swapped.pathname + swapped.search)).statusCode).toBe(403);
    // Expired (signed correctly, in the past).
    const past = signMediaPath(h.deps.mediaSecret, {
      kind: "audio",
      assetId: w.assets.rain,
      tenantId: w.a.id,
      exp: 1000,
    });
    const expired = await get(past);
    expect(expired.statusCode).toBe(403);
    expect(expired.json()).toEqual({ error: { code: "FORBIDDEN", message: "this media URL has expired" } });
    // A correctly signed URL for alpha naming beta's asset: RLS hides it.
    const crafted = signMediaPath(h.deps.mediaSecret, {
      kind: "audio",
      assetId: w.beta.assetId,
      tenantId: w.a.id,
      exp: Math.floor(Date.now() / 1000) + 60,
    });
    const r = await get(crafted);
    expect(r.statusCode).toBe(404);
    expect(r.body).not.toContain("RIFF");
    // Signed with another key entirely.
    const forged = signMediaPath("x".repeat(64), {
      kind: "audio",
      assetId: w.beta.assetId,
      tenantId: w.b.id,
      exp: Math.floor(Date.now() / 1000) + 60,
    });
    expect((await get(forged)).statusCode).toBe(403);
    expect((await get(`/v1/media/audio/${w.assets.rain}`)).statusCode).toBe(403);
  });
});

function multipart(parts: Array<{ name: string; filename?: string; data: Buffer | string }>) {
  const boundary = `----earshot${Math.random().toString(16).slice(2)}`;
  const chunks: Buffer[] = [];
  for (const p of parts) {
    const disp = `form-data; name="${p.name}"${p.filename ? `; filename="${p.filename}"` : ""}`;
    const type = p.filename ? "content-type: application/octet-stream\r\n" : "";
    chunks.push(Buffer.from(`--${boundary}\r\ncontent-disposition: ${disp}\r\n${type}\r\n`));
    chunks.push(Buffer.isBuffer(p.data) ? p.data : Buffer.from(p.data));
    chunks.push(Buffer.from("\r\n"));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

describe("uploads", () => {
  async function newBatch(bearer = w.keys.ingest.bearer) {
    const r = await h.gql<{ createUploadBatch: { id: string; uploadUrl: string } }>(
      { bearer },
      "mutation { createUploadBatch { id uploadUrl } }",
    );
    return r.data?.createUploadBatch as { id: string; uploadUrl: string };
  }
  const post = (url: string, headers: Record<string, string>, parts: Parameters<typeof multipart>[0]) => {
    const body = multipart(parts);
    return h.app.inject({
      method: "POST",
      url,
      headers: { "content-type": body.contentType, ...headers },
      payload: body.payload,
    });
  };

  it("stores and queues files with sidecar metadata; rejected files are recorded with their code", async () => {
    const batch = await newBatch();
    const res = await post(batch.uploadUrl, { authorization: `Bearer ${w.keys.ingest.bearer}` }, [
      { name: "metadata", data: "filename,title,tags\nrain.wav,Rain,wet;outdoor\n" },
      { name: "file", filename: "rain.wav", data: Buffer.from("not really audio but stored") },
      { name: "file", filename: "empty.wav", data: Buffer.alloc(0) },
      { name: "file", filename: "big.wav", data: Buffer.alloc(1024 * 1024 + 1, 1) },
    ]);
    expect(res.statusCode).toBe(201);
    const items = res.json().items as Array<{ filename: string; status: string; errorCode?: string }>;
    expect(items.map((i) => [i.filename, i.status, i.errorCode])).toEqual([
      ["rain.wav", "queued", undefined],
      ["empty.wav", "failed", "EMPTY_FILE"],
      ["big.wav", "failed", "TOO_LARGE"],
    ]);
    const { rows } = await h.pool.query(
      "SELECT metadata FROM upload_items WHERE batch_id = $1 AND filename = 'rain.wav'",
      [batch.id],
    );
    expect(rows[0].metadata).toMatchObject({ title: "Rain", tags: ["wet", "outdoor"] });
    expect(await h.queues.ingest.getJobCounts()).toMatchObject({ waiting: 1 });
    const p = await h.gql(
      { bearer: w.keys.search.bearer },
      "query($id: ID!) { uploadBatch(id: $id) { progress { total queued failed } } }",
      {
        id: batch.id,
      },
    );
    expect(p.data).toEqual({ uploadBatch: { progress: { total: 3, queued: 1, failed: 2 } } });
  });

  it("needs INGEST/archivist, the CSRF header for cookies, and the caller's own open batch", async () => {
    const batch = await newBatch();
    const file = [{ name: "file", filename: "a.wav", data: "abc" }];
    expect((await post(batch.uploadUrl, {}, file)).statusCode).toBe(401);
    expect((await post(batch.uploadUrl, { authorization: `Bearer ${w.keys.search.bearer}` }, file)).statusCode).toBe(
      403,
    );
    expect(
      (await post(batch.uploadUrl, { cookie: w.users.viewer.cookie, "x-earshot-csrf": "1" }, file)).statusCode,
    ).toBe(403);
    const noCsrf = await post(batch.uploadUrl, { cookie: w.users.archivist.cookie }, file);
    expect(noCsrf.statusCode).toBe(403);
    expect(noCsrf.json().error.message).toMatch(/x-earshot-csrf/);
    expect(
      (await post(batch.uploadUrl, { cookie: w.users.archivist.cookie, "x-earshot-csrf": "1" }, file)).statusCode,
    ).toBe(201);
    // Beta's batch id from alpha: not found, nothing stored in beta's batch.
    const cross = await post(
      `/v1/uploads/${w.beta.batchId}/files`,
      { authorization: `Bearer ${w.keys.ingest.bearer}` },
      file,
    );
    expect(cross.statusCode).toBe(404);
    expect(cross.json()).toEqual({ error: { code: "NOT_FOUND", message: "upload batch not found" } });
    const { rows } = await h.pool.query("SELECT count(*)::int AS n FROM upload_items WHERE batch_id = $1", [
      w.beta.batchId,
    ]);
    expect(rows[0].n).toBe(0);
    const none = await post(batch.uploadUrl, { authorization: `Bearer ${w.keys.ingest.bearer}` }, [
      { name: "other", data: "x" },
    ]);
    expect(none.statusCode).toBe(400);
    const notMultipart = await h.app.inject({
      method: "POST",
      url: batch.uploadUrl,
      headers: { authorization: `Bearer ${w.keys.ingest.bearer}`, "content-type": "application/json" },
      payload: "{}",
    });
    expect(notMultipart.statusCode).toBe(400);
  });

  // Issue #18: every file sent gets an item, in one answer, under the name it was sent with.
  it("a part over the multipart limit becomes its own TOO_LARGE item; the parts after it still count", async () => {
    const batch = await newBatch();
    // The harness's per-file limit is 1 MiB, the multipart parser's 2 MiB.
    const res = await post(batch.uploadUrl, { authorization: `Bearer ${w.keys.ingest.bearer}` }, [
      { name: "file", filename: "first.wav", data: "first file" },
      { name: "file", filename: "big.wav", data: Buffer.alloc(3 * 1024 * 1024, 7) },
      { name: "file", filename: "second.wav", data: "second file" },
      { name: "file", filename: "huge.zip", data: Buffer.alloc(3 * 1024 * 1024, 9) },
      { name: "file", filename: "broken.zip", data: "PK not really a zip" },
      { name: "file", filename: "last.wav", data: "last file" },
    ]);
    expect(res.statusCode).toBe(201);
    const items = res.json().items as Array<{
      filename: string;
      status: string;
      errorCode?: string;
      errorMessage?: string;
    }>;
    expect(items.map((i) => [i.filename, i.status, i.errorCode])).toEqual([
      ["first.wav", "queued", undefined],
      ["big.wav", "failed", "TOO_LARGE"],
      ["second.wav", "queued", undefined],
      ["huge.zip", "failed", "TOO_LARGE"],
      ["broken.zip", "failed", "BAD_ARCHIVE"],
      ["last.wav", "queued", undefined],
    ]);
    // No internal temp name ("0.zip", "/tmp/...") in what the user reads.
    expect(JSON.stringify(items)).not.toMatch(/\d\.zip|earshot-upload|tmp/);
    const { rows } = await h.pool.query("SELECT filename, error_code FROM upload_items WHERE batch_id = $1", [
      batch.id,
    ]);
    expect(rows).toHaveLength(6);
  });

  it("an upload that fails part-way answers its error together with the items already stored", async () => {
    const batch = await newBatch();
    const res = await post(batch.uploadUrl, { authorization: `Bearer ${w.keys.ingest.bearer}` }, [
      { name: "file", filename: "kept.wav", data: "kept" },
      { name: "metadata", data: 'filename,title\nkept.wav,"unterminated\n' },
    ]);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      error: { code: "BAD_USER_INPUT" },
      items: [{ filename: "kept.wav", status: "queued" }],
    });
  });

  it("control characters in an uploaded file name never reach the stored name", async () => {
    const batch = await newBatch();
    const res = await post(batch.uploadUrl, { authorization: `Bearer ${w.keys.ingest.bearer}` }, [
      { name: "file", filename: "evil\x1b]0;pwned\x07\u202egnp.wav", data: "x" },
    ]);
    const [item] = res.json().items as Array<{ itemId: string; filename: string }>;
    expect(item?.filename).toBe("evil\ufffd]0;pwned\ufffd\ufffdgnp.wav");
    const { rows } = await h.pool.query("SELECT filename FROM upload_items WHERE id = $1", [item?.itemId]);
    expect(rows[0].filename).toBe(item?.filename);
  });

  it("POST /v1/examples refuses non-audio with BAD_USER_INPUT and needs auth", async () => {
    const file = [{ name: "file", filename: "x.wav", data: "definitely not audio" }];
    expect((await post("/v1/examples", {}, file)).statusCode).toBe(401);
    const r = await post("/v1/examples", { authorization: `Bearer ${w.keys.search.bearer}` }, file);
    expect(r.statusCode).toBe(400);
    expect(r.json().error.code).toBe("BAD_USER_INPUT");
  });
});

describe("deleting an asset (issue #18)", () => {
  const del = (bearer: string, id: string) =>
    h.gql({ bearer }, "mutation($id: ID!) { deleteAudio(id: $id) { deletedId } }", { id });

  it("removes its stored bytes once no asset of any tenant uses them, and tolerates bytes already gone", async () => {
    const { seedAsset } = await import("@earshot/search/testing");
    const stored = await h.storage.put(Buffer.from("bytes shared by two tenants' uploads"));
    const mine = await seedAsset(h.pool, w.a.id, { storageKey: stored.key });
    const theirs = await seedAsset(h.pool, w.b.id, { storageKey: stored.key });

    expect((await del(w.keys.ingest.bearer, mine)).data).toEqual({ deleteAudio: { deletedId: mine } });
    // Beta still has an asset with the same content: its media must keep working.
    expect(await h.storage.stat(stored.key)).toEqual({ size: stored.size });
    expect((await del(w.keys.beta.bearer, theirs)).data).toEqual({ deleteAudio: { deletedId: theirs } });
    expect(await h.storage.stat(stored.key)).toBeNull();

    const gone = await h.storage.put(Buffer.from("bytes removed by hand before the delete"));
    const orphan = await seedAsset(h.pool, w.a.id, { storageKey: gone.key });
    await h.storage.delete(gone.key);
    expect((await del(w.keys.ingest.bearer, orphan)).data).toEqual({ deleteAudio: { deletedId: orphan } });
  });
});

describe("headers and endpoints (issue #18)", () => {
  it("media and API answers carry CSP, frame, sniffing and referrer headers", async () => {
    const { streamUrl } = await mediaOf(w.assets.rain);
    const answers = [
      await h.app.inject({ method: "GET", url: streamUrl }),
      await h.app.inject({ method: "GET", url: "/v1/media/audio/nope" }),
      await h.app.inject({ method: "POST", url: "/graphql", payload: { query: "{ health }" } }),
    ];
    for (const res of answers) {
      expect(res.headers["content-security-policy"]).toMatch(/default-src 'none'/);
      expect(res.headers["content-security-policy"]).toMatch(/frame-ancestors 'none'/);
      expect(res.headers["x-frame-options"]).toBe("DENY");
      expect(res.headers["x-content-type-options"]).toBe("nosniff");
      expect(res.headers["referrer-policy"]).toBe("no-referrer");
    }
    // Signed media stays embeddable by partners' pages (an <audio> on another origin).
    expect(answers[0]?.headers["cross-origin-resource-policy"]).toBe("cross-origin");
  });

  it("serves /metrics only on the internal metrics server, not on the port partners use", async () => {
    const pub = await h.app.inject({ method: "GET", url: "/metrics" });
    expect(pub.statusCode).toBe(404);
    expect(pub.body).not.toContain("http_request_duration_seconds");
    const { startMetricsServer } = await import("@earshot/observability");
    const internal = await startMetricsServer({ registry: h.app.metricsRegistry, port: 0 });
    try {
      const res = await fetch(`http://127.0.0.1:${internal.port}/metrics`);
      expect(res.status).toBe(200);
      expect(await res.text()).toMatch(/http_request_duration_seconds_count\{[^}]*route="\/graphql"/);
    } finally {
      await internal.close();
    }
  });
});
