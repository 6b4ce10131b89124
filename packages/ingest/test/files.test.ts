import { createHash } from "node:crypto";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { IngestError } from "../src/errors.ts";
import { metadataFor, parseMetadataSidecar } from "../src/metadata.ts";
import { LocalStorage } from "../src/storage.ts";
import { openArchive } from "../src/zip.ts";
import { makeZip } from "./zips.ts";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "earshot-ingest-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("LocalStorage", () => {
  it("stores content under its sha256, once", async () => {
    const storage = new LocalStorage(path.join(dir, "store"));
    const bytes = Buffer.from("hello sound");
    const a = await storage.put(bytes);
    const b = await storage.put({ path: await writeTemp("same.bin", bytes) });
    expect(a.sha256).toBe(createHash("sha256").update(bytes).digest("hex"));
    expect(b.key).toBe(a.key);
    expect(a.size).toBe(bytes.length);
    expect(await storage.stat(a.key)).toEqual({ size: bytes.length });
    expect(await readdir(path.join(dir, "store", "tmp"))).toEqual([]);
  });

  it("rejects a file over the limit and keeps nothing of it", async () => {
    const storage = new LocalStorage(path.join(dir, "store2"));
    const err = await storage.put(Buffer.alloc(2048), { maxBytes: 1024 }).catch((e) => e);
    expect(err).toBeInstanceOf(IngestError);
    expect(err.code).toBe("TOO_LARGE");
    expect(await readdir(path.join(dir, "store2", "tmp"))).toEqual([]);
  });
});

describe("parseMetadataSidecar", () => {
  it("reads CSV: known columns, tags, custom fields, quoted commas", () => {
    const csv = [
      "filename,title,description,tags,category,license,recorded_by",
      'a.ogg,Dog,"A dog barks, twice","dog; bark",animals,CC0,Ann',
      "sub/b.wav,Rain,,weather,,CC-BY,",
    ].join("\n");
    const meta = parseMetadataSidecar(csv);
    expect(meta.get("a.ogg")).toEqual({
      title: "Dog",
      description: "A dog barks, twice",
      tags: ["dog", "bark"],
      category: "animals",
      licence: "CC0",
      custom: { recorded_by: "Ann" },
    });
    expect(metadataFor(meta, "sub/b.wav")?.title).toBe("Rain");
    expect(metadataFor(meta, "deep/a.ogg")?.title).toBe("Dog"); // falls back to the base name
    expect(metadataFor(meta, "c.ogg")).toBeUndefined();
  });

  it("reads JSON as an array or keyed by filename", () => {
    const arr = parseMetadataSidecar(JSON.stringify([{ file: "a.ogg", tags: ["x", "y"], extra: 3 }]));
    expect(arr.get("a.ogg")).toEqual({ tags: ["x", "y"], custom: { extra: 3 } });
    const obj = parseMetadataSidecar(JSON.stringify({ "b.ogg": { title: "B" } }));
    expect(obj.get("b.ogg")).toEqual({ title: "B", custom: {} });
  });

  it.each([
    ["a CSV row with too many fields", "filename,title\na.ogg,A,extra\n", /line 2/],
    ["an unclosed quote", 'filename,title\na.ogg,"A\n', /cannot be parsed/],
    ["no filename column", "title\nA\n", /no filename/],
    ["a file listed twice", "filename\na.ogg\na.ogg\n", /listed twice/],
    ["broken JSON", '{"a.ogg": ', /JSON cannot be parsed/],
  ])("rejects %s with BAD_METADATA", (_what, text, message) => {
    try {
      parseMetadataSidecar(text);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(IngestError);
      expect((err as IngestError).code).toBe("BAD_METADATA");
      expect((err as Error).message).toMatch(message);
    }
  });
});

describe("openArchive", () => {
  it("judges each entry on its own", async () => {
    const zipPath = await writeTemp(
      "mixed.zip",
      await makeZip([
        { name: "good/a.ogg", data: Buffer.from("not really ogg but bytes"), compress: false },
        { name: "../escape.ogg", data: Buffer.from("evil") },
        { name: "empty.wav", data: Buffer.alloc(0) },
        { name: "bomb.wav", data: Buffer.alloc(20 * 1024 * 1024) },
        { name: "big.wav", data: Buffer.alloc(3000, 7), compress: false },
        { name: "__MACOSX/._a.ogg", data: Buffer.from("clutter") },
      ]),
    );
    const archive = await openArchive(zipPath, { maxFileBytes: 2048 * 1024 * 1024, maxRatio: 100 });
    try {
      const outcome = Object.fromEntries(archive.entries.map((e) => [e.name, e.error?.code ?? "ok"]));
      expect(outcome).toEqual({
        "good/a.ogg": "ok",
        "../escape.ogg": "UNSAFE_PATH",
        "empty.wav": "EMPTY_FILE",
        "bomb.wav": "ZIP_BOMB",
        "big.wav": "ok",
      });
      const good = archive.entries.find((e) => e.name === "good/a.ogg");
      if (!good || good.error) throw new Error("expected a readable entry");
      const chunks: Buffer[] = [];
      for await (const c of await good.open()) chunks.push(c as Buffer);
      expect(Buffer.concat(chunks).toString()).toBe("not really ogg but bytes");
    } finally {
      archive.close();
    }
  });

  it("rejects files over the size limit and archives over the total limit", async () => {
    const zipPath = await writeTemp(
      "sizes.zip",
      await makeZip([
        { name: "a.wav", data: Buffer.alloc(3000, 1), compress: false },
        { name: "b.wav", data: Buffer.alloc(1500, 2), compress: false },
        { name: "c.wav", data: Buffer.alloc(1500, 3), compress: false },
      ]),
    );
    const archive = await openArchive(zipPath, { maxFileBytes: 2000, maxTotalBytes: 2500 });
    archive.close();
    expect(archive.entries.map((e) => e.error?.code ?? "ok")).toEqual(["TOO_LARGE", "ok", "ZIP_BOMB"]);
  });

  it("reports a file that is not a zip as BAD_ARCHIVE", async () => {
    const err = await openArchive(await writeTemp("fake.zip", Buffer.from("plain text"))).catch((e) => e);
    expect(err.code).toBe("BAD_ARCHIVE");
  });
});

async function writeTemp(name: string, data: Buffer): Promise<string> {
  const p = path.join(dir, name);
  await writeFile(p, data);
  return p;
}
