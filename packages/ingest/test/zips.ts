// Builds zip files for tests with yazl, including hostile ones that no honest zip writer produces.
import yazl from "yazl";

export interface ZipEntrySpec {
  name: string;
  data: Buffer;
  /** Deflate (default true). */
  compress?: boolean;
}

/** A name with ".." segments is written with "xx" in their place and patched afterwards (yazl refuses such names). */
export async function makeZip(entries: ZipEntrySpec[]): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  const patches: Array<[string, string]> = [];
  for (const e of entries) {
    let name = e.name;
    if (name.split("/").includes("..")) {
      const safe = name
        .split("/")
        .map((part) => (part === ".." ? "xx" : part))
        .join("/");
      patches.push([safe, name]);
      name = safe;
    }
    zip.addBuffer(e.data, name, { compress: e.compress ?? true });
  }
  zip.end();
  const chunks: Buffer[] = [];
  for await (const c of zip.outputStream) chunks.push(c as Buffer);
  let out = Buffer.concat(chunks);
  for (const [from, to] of patches) {
    // Same length, so every offset in the archive stays valid; both the local and the central header change.
    out = Buffer.from(out.toString("latin1").split(from).join(to), "latin1");
  }
  return out;
}
