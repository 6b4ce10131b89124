/** A file chosen for upload, with the path it had inside a dropped folder (for display only). */
export interface PickedFile {
  file: File;
  path: string;
}

const IGNORED = /(^|\/)(\.|__MACOSX\/|Thumbs\.db$|desktop\.ini$)/i;

export function isSidecar(name: string): boolean {
  return /\.(csv|json)$/i.test(name);
}

function readAll(reader: FileSystemDirectoryReader): Promise<FileSystemEntry[]> {
  // readEntries returns at most ~100 entries per call: read until it returns none.
  return new Promise((resolve, reject) => {
    const out: FileSystemEntry[] = [];
    const next = () =>
      reader.readEntries((batch) => {
        if (batch.length === 0) return resolve(out);
        out.push(...batch);
        next();
      }, reject);
    next();
  });
}

async function walk(entry: FileSystemEntry, out: PickedFile[]): Promise<void> {
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
    out.push({ file, path: entry.fullPath.replace(/^\//, "") });
  } else if (entry.isDirectory) {
    const children = await readAll((entry as FileSystemDirectoryEntry).createReader());
    for (const child of children) await walk(child, out);
  }
}

/** Files from a drop: plain files, whole folders (recursively) and zips (sent as they are; the API unpacks them). */
export async function filesFromDrop(data: DataTransfer): Promise<PickedFile[]> {
  const out: PickedFile[] = [];
  const entries = Array.from(data.items)
    .filter((i) => i.kind === "file")
    .map((i) => i.webkitGetAsEntry?.() ?? null);
  if (entries.length && entries.every((e) => e !== null)) {
    for (const entry of entries) if (entry) await walk(entry, out);
  } else {
    for (const file of Array.from(data.files)) out.push({ file, path: file.name });
  }
  return out.filter((f) => !IGNORED.test(f.path));
}

export function filesFromInput(list: FileList | null): PickedFile[] {
  return Array.from(list ?? [])
    .map((file) => ({ file, path: file.webkitRelativePath || file.name }))
    .filter((f) => !IGNORED.test(f.path));
}

export class UploadError extends Error {
  constructor(
    message: string,
    public readonly code: string,
    public readonly status: number,
  ) {
    super(message);
  }
}

/**
 * POSTs one file (and the optional metadata sidecar, first so the API reads it before the audio) to a batch.
 * XMLHttpRequest rather than fetch: only it reports upload progress.
 */
export function uploadFile(
  url: string,
  file: File,
  metadata: File | null,
  onProgress: (fraction: number) => void,
): { done: Promise<Array<{ itemId: string; filename: string }>>; abort: () => void } {
  const xhr = new XMLHttpRequest();
  const done = new Promise<Array<{ itemId: string; filename: string }>>((resolve, reject) => {
    const body = new FormData();
    if (metadata) body.append("metadata", metadata, metadata.name);
    body.append("file", file, file.name);
    xhr.open("POST", url);
    xhr.setRequestHeader("x-earshot-csrf", "1");
    xhr.responseType = "json";
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(e.loaded / e.total);
    };
    xhr.onload = () => {
      const res = xhr.response as {
        items?: Array<{ itemId: string; filename: string }>;
        error?: { code: string; message: string };
      } | null;
      if (xhr.status >= 200 && xhr.status < 300 && res?.items) return resolve(res.items);
      const code = res?.error?.code ?? `HTTP_${xhr.status}`;
      const message =
        res?.error?.message ??
        (xhr.status === 413 ? "The file is larger than the server accepts." : `The server answered ${xhr.status}.`);
      reject(new UploadError(message, code, xhr.status));
    };
    xhr.onerror = () => reject(new UploadError("The connection failed during the upload.", "NETWORK", 0));
    xhr.onabort = () => reject(new UploadError("Upload cancelled.", "ABORTED", 0));
    xhr.send(body);
  });
  return { done, abort: () => xhr.abort() };
}
