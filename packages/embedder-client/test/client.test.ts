// The client's HTTP exchange (node:http) against a stand-in server: what goes over the wire and how failures map to
// errors. apps/embedder/test covers the client against the real service.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { runWithRequestId } from "@earshot/observability/request-id";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EmbedderClient, EmbedderError, EmbedderUnavailableError } from "../src/index.ts";

describe("EmbedderClient over HTTP", () => {
  let server: http.Server;
  let url: string;
  let seen: { headers: http.IncomingHttpHeaders; body: Buffer } | undefined;

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (d: Buffer) => chunks.push(d));
      req.on("end", () => {
        seen = { headers: req.headers, body: Buffer.concat(chunks) };
        if (req.url === "/v1/model") return void setTimeout(() => res.end("{}"), 1000);
        if (req.url === "/v1/embed/text") {
          res.statusCode = 400;
          return void res.end(JSON.stringify({ error: { code: "BAD_INPUT", message: "no" } }));
        }
        const model = { name: "m", version: "1", dim: 2 };
        res.end(JSON.stringify({ model, segments: [{ startS: 0, endS: 1, vector: [0.25, -0.5] }] }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    server.closeAllConnections();
    server.close();
  });

  it("sends PCM as raw little-endian float32 with its length and the current request id", async () => {
    const pcm = Float32Array.from({ length: 40_000 }, (_, i) => Math.sin(i / 7));
    const out = await runWithRequestId("req-42", () => new EmbedderClient(url).embedAudio(pcm.subarray(5, 30_005)));
    expect(seen!.headers["content-type"]).toBe("application/octet-stream");
    expect(seen!.headers["content-length"]).toBe(String(30_000 * 4));
    expect(seen!.headers["x-request-id"]).toBe("req-42");
    expect(seen!.body.equals(Buffer.from(pcm.buffer, 5 * 4, 30_000 * 4))).toBe(true);
    expect(out.segments[0]).toEqual({ startS: 0, endS: 1, vector: Float32Array.from([0.25, -0.5]) });
  });

  it("maps a 4xx answer to EmbedderError and a slow answer to TIMEOUT", async () => {
    const client = new EmbedderClient(url, { retries: 0, timeoutMs: 100 });
    const bad = await client.embedTexts(["x"]).catch((e) => e);
    expect(bad).toBeInstanceOf(EmbedderError);
    expect(bad).toMatchObject({ code: "BAD_INPUT", status: 400 });
    const slow = await client.model().catch((e) => e);
    expect(slow).toBeInstanceOf(EmbedderUnavailableError);
    expect(slow.code).toBe("TIMEOUT");
  });
});
