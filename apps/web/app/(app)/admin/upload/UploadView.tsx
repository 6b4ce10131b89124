"use client";

import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { type DragEvent, useCallback, useEffect, useRef, useState } from "react";
import { CloseIcon, RetryIcon, UploadIcon } from "@/components/icons.tsx";
import { useCan } from "@/components/session.tsx";
import {
  Alert,
  Button,
  Card,
  IconButton,
  PageHeader,
  ProgressBar,
  StackedBar,
  Tag,
  TextField,
} from "@/components/ui.tsx";
import { formatBytes, formatDate, plural } from "@/lib/format.ts";
import { errorMessage, gql } from "@/lib/gql.ts";
import { CLOSE_UPLOAD_BATCH, CREATE_UPLOAD_BATCH, UPLOAD_BATCH, UPLOAD_BATCHES } from "@/lib/queries.ts";
import type { Connection, UploadBatch, UploadItem } from "@/lib/types.ts";
import { filesFromDrop, filesFromInput, isSidecar, type PickedFile, UploadError, uploadFile } from "@/lib/upload.ts";
import { useQuery } from "@/lib/use-query.ts";
import admin from "../admin.module.css";
import styles from "./upload.module.css";

/** A file on its way to the server; once accepted, the server's items take over its row. */
interface LocalFile extends PickedFile {
  key: string;
  state: "waiting" | "uploading" | "accepted" | "failed";
  progress: number;
  error?: string;
}

type BatchWithItems = UploadBatch & { items: Connection<UploadItem> };

const CONCURRENCY = 3;
let keySeq = 0;

const ITEM_TONE = { QUEUED: "neutral", PROCESSING: "accent", DONE: "ok", DUPLICATE: "warn", FAILED: "danger" } as const;

async function fetchBatch(id: string): Promise<BatchWithItems | null> {
  let after: string | null = null;
  let batch: BatchWithItems | null = null;
  // Items come 100 a page; a zip can hold many more.
  do {
    const page: { uploadBatch: BatchWithItems | null } = await gql(UPLOAD_BATCH, { id, after });
    if (!page.uploadBatch) return batch;
    batch = batch
      ? {
          ...page.uploadBatch,
          items: { ...page.uploadBatch.items, edges: [...batch.items.edges, ...page.uploadBatch.items.edges] },
        }
      : page.uploadBatch;
    after = page.uploadBatch.items.pageInfo.hasNextPage ? page.uploadBatch.items.pageInfo.endCursor : null;
  } while (after);
  return batch;
}

/** What a batch is doing, from its counts (the API keeps a batch OPEN for more files after it finished). */
function BatchState({ batch }: { batch: UploadBatch }) {
  const p = batch.progress;
  if (batch.status === "FAILED") return <Tag tone="danger">failed</Tag>;
  if (p.total === 0) return <Tag>empty</Tag>;
  if (p.queued + p.processing > 0) return <Tag tone="accent">processing</Tag>;
  return p.failed ? <Tag tone="warn">done, {p.failed} failed</Tag> : <Tag tone="ok">done</Tag>;
}

function StatusText({ item }: { item: UploadItem }) {
  if (item.status === "FAILED")
    return (
      <span className={styles.failure}>
        <strong>{item.errorCode ?? "FAILED"}</strong> {item.errorMessage}
      </span>
    );
  if (item.status === "DUPLICATE")
    return (
      <span>
        Already in the archive
        {item.asset ? (
          <>
            {" "}
            as <Link href={`/assets/${item.asset.id}`}>{item.asset.title || "this sound"}</Link>
          </>
        ) : null}
      </span>
    );
  if (item.status === "DONE")
    return item.asset ? (
      <Link href={`/assets/${item.asset.id}`}>Open “{item.asset.title || item.filename}”</Link>
    ) : (
      <span>Ready</span>
    );
  if (item.status === "PROCESSING") return <span>Processing {Math.round(item.progress * 100)}%</span>;
  return <span>Queued</span>;
}

export function UploadView() {
  const canUpload = useCan("ARCHIVIST");
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const [files, setFiles] = useState<LocalFile[]>([]);
  const [metadata, setMetadata] = useState<File | null>(null);
  const [source, setSource] = useState("");
  const [dragging, setDragging] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [batchIds, setBatchIds] = useState<string[]>(() =>
    params.get("batch") ? [params.get("batch") as string] : [],
  );
  const [batches, setBatches] = useState<Record<string, BatchWithItems>>({});
  const [retried, setRetried] = useState<Set<string>>(new Set());
  const fileByName = useRef(new Map<string, File>());
  const running = useRef(false);
  const [busy, setBusy] = useState(false);
  const recent = useQuery<{ uploadBatches: Connection<UploadBatch> }>(UPLOAD_BATCHES, { first: 10 });

  const update = (key: string, patch: Partial<LocalFile>) =>
    setFiles((fs) => fs.map((f) => (f.key === key ? { ...f, ...patch } : f)));

  function add(picked: PickedFile[]) {
    const sidecar = picked.find((p) => isSidecar(p.file.name));
    if (sidecar) setMetadata(sidecar.file);
    const audio = picked.filter((p) => !isSidecar(p.file.name));
    setFiles((fs) => [
      ...fs,
      ...audio.map((p) => ({ ...p, key: `f${++keySeq}`, state: "waiting" as const, progress: 0 })),
    ]);
  }

  // Poll every batch of this session until all its items are finished.
  const pending = files.some((f) => f.state === "uploading" || f.state === "waiting");
  const unfinished = batchIds.some((id) => {
    const b = batches[id];
    return !b || b.progress.queued + b.progress.processing > 0;
  });
  const poll = useCallback(async () => {
    const results = await Promise.all(batchIds.map((id) => fetchBatch(id).catch(() => null)));
    setBatches((prev) => {
      const next = { ...prev };
      for (const b of results) if (b) next[b.id] = b;
      return next;
    });
  }, [batchIds]);
  // The recent-batches table catches up when a batch finishes.
  const finished = batchIds.filter((id) => batches[id] && !unfinished).length;
  // biome-ignore lint/correctness/useExhaustiveDependencies: refetch exactly when the finished count changes.
  useEffect(() => {
    if (finished) void recent.refetch();
  }, [finished]);
  useEffect(() => {
    if (!batchIds.length) return;
    void poll();
    if (!pending && !unfinished) return;
    const timer = setInterval(() => void poll(), 1000);
    return () => clearInterval(timer);
  }, [batchIds, pending, unfinished, poll]);

  async function newBatch(): Promise<UploadBatch> {
    const res = await gql<{ createUploadBatch: UploadBatch }>(CREATE_UPLOAD_BATCH, {
      input: { source: source.trim() || "Web upload" },
    });
    const b = res.createUploadBatch;
    setBatchIds((ids) => [...ids, b.id]);
    return b;
  }

  async function sendOne(f: LocalFile, batch: { current: UploadBatch }) {
    update(f.key, { state: "uploading", progress: 0, error: undefined });
    fileByName.current.set(f.file.name, f.file);
    try {
      await uploadFile(batch.current.uploadUrl, f.file, metadata, (p) => update(f.key, { progress: p })).done;
    } catch (err) {
      // A batch that already started processing takes no more files: continue in a fresh one.
      if (err instanceof UploadError && err.status === 400 && /open/i.test(err.message)) {
        batch.current = await newBatch();
        await uploadFile(batch.current.uploadUrl, f.file, metadata, (p) => update(f.key, { progress: p })).done;
      } else throw err;
    }
    update(f.key, { state: "accepted", progress: 1 });
    void poll();
  }

  async function start(only?: LocalFile[]) {
    if (running.current) return;
    const queue = (only ?? files).filter((f) => f.state === "waiting" || f.state === "failed");
    if (!queue.length) return;
    running.current = true;
    setBusy(true);
    setError(null);
    try {
      const existing = batchIds.length ? batches[batchIds[batchIds.length - 1] as string] : undefined;
      const batch = { current: existing && existing.status === "OPEN" ? (existing as UploadBatch) : await newBatch() };
      if (!params.get("batch")) router.replace(`${pathname}?batch=${batch.current.id}`, { scroll: false });
      let next = 0;
      const worker = async () => {
        while (next < queue.length) {
          const f = queue[next++] as LocalFile;
          try {
            await sendOne(f, batch);
          } catch (err) {
            update(f.key, { state: "failed", error: errorMessage(err) });
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(CONCURRENCY, queue.length) }, worker));
      // Every chosen file is sent: close the batch so it reports DONE once its files finish (a retry opens a new one).
      await gql(CLOSE_UPLOAD_BATCH, { id: batch.current.id });
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      running.current = false;
      setBusy(false);
      void poll();
      void recent.refetch();
    }
  }

  /** Sends failed files again: upload failures as they are, processing failures from the File kept in memory. */
  async function retry(failedItems: UploadItem[], failedLocal: LocalFile[]) {
    const again: LocalFile[] = [...failedLocal];
    for (const item of failedItems) {
      const file = fileByName.current.get(item.filename);
      if (!file) continue;
      again.push({ file, path: item.filename, key: `f${++keySeq}`, state: "waiting", progress: 0 });
    }
    setRetried((s) => new Set([...s, ...failedItems.map((i) => i.id)]));
    setFiles((fs) => [...fs, ...again.filter((f) => !failedLocal.includes(f))]);
    await start(again);
  }

  function onDrop(e: DragEvent) {
    e.preventDefault();
    setDragging(false);
    void filesFromDrop(e.dataTransfer).then(add, (err) =>
      setError(`Could not read the dropped items: ${errorMessage(err)}`),
    );
  }

  // Server items in the order the files were chosen, so rows do not jump as parallel uploads finish.
  const order = new Map<string, number>();
  for (const [i, f] of files.entries()) if (!order.has(f.file.name)) order.set(f.file.name, i);
  const items = batchIds
    .flatMap((id) => batches[id]?.items.edges.map((e) => e.node) ?? [])
    .filter((i) => !retried.has(i.id))
    .sort((a, b) => (order.get(a.filename) ?? files.length) - (order.get(b.filename) ?? files.length));
  const localRows = files.filter((f) => f.state !== "accepted");
  // Counted from the rows shown (a retried file's old failure is hidden), so the bars match the table.
  const totals = { total: items.length, queued: 0, processing: 0, done: 0, duplicate: 0, failed: 0, weighted: 0 };
  for (const i of items) {
    const key = i.status.toLowerCase() as "queued" | "processing" | "done" | "duplicate" | "failed";
    totals[key]++;
    totals.weighted += i.status === "QUEUED" ? 0 : i.status === "PROCESSING" ? i.progress : 1;
  }
  const uploadedCount = files.filter((f) => f.state === "accepted").length;
  const uploadFraction = files.length
    ? files.reduce((s, f) => s + (f.state === "accepted" ? 1 : f.progress), 0) / files.length
    : 0;
  const failedItems = items.filter((i) => i.status === "FAILED");
  const retriable = failedItems.filter((i) => fileByName.current.has(i.filename));
  const failedUploads = files.filter((f) => f.state === "failed");
  const totalBytes = files.reduce((s, f) => s + f.file.size, 0);

  if (!canUpload) return <Alert>Uploading needs the archivist or admin role in this archive.</Alert>;

  return (
    <div className={admin.stack}>
      <PageHeader
        title="Upload sounds"
        description="Drop audio files, whole folders or zip archives. Add a metadata CSV (filename, title, description, tags, category, licence; tags separated by “;”) to catalogue them on the way in."
      />
      {error ? <Alert>{error}</Alert> : null}

      {/* biome-ignore lint/a11y/noStaticElementInteractions: the drop zone is an extra path; the buttons inside do the same by keyboard. */}
      <div
        className={styles.drop}
        data-dragging={dragging ? "true" : undefined}
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
        data-testid="dropzone"
      >
        <UploadIcon size={32} />
        <p className={styles.dropTitle}>Drop files, folders or a .zip here</p>
        <p className={styles.dropHint}>Any format ffmpeg reads: WAV, FLAC, MP3, Ogg, AIFF, M4A…</p>
        <div className={styles.pickers}>
          <label className={styles.picker}>
            Choose files
            <input
              type="file"
              multiple
              accept="audio/*,video/*,.zip,.csv,.json,.ogg,.flac,.wav,.aif,.aiff,.mp3,.m4a"
              className="visually-hidden"
              onChange={(e) => {
                add(filesFromInput(e.target.files));
                e.target.value = "";
              }}
            />
          </label>
          <label className={styles.picker}>
            Choose a folder
            <input
              type="file"
              multiple
              className="visually-hidden"
              // @ts-expect-error: non-standard but supported by every current browser.
              webkitdirectory=""
              onChange={(e) => {
                add(filesFromInput(e.target.files));
                e.target.value = "";
              }}
            />
          </label>
          <label className={styles.picker}>
            {metadata ? "Replace metadata CSV" : "Add metadata CSV"}
            <input
              type="file"
              accept=".csv,.json,text/csv,application/json"
              className="visually-hidden"
              onChange={(e) => {
                const f = e.target.files?.[0];
                if (f) setMetadata(f);
                e.target.value = "";
              }}
            />
          </label>
        </div>
      </div>

      <Card>
        <div className={admin.row}>
          <TextField
            label="Source (optional)"
            className={admin.grow}
            value={source}
            onChange={(e) => setSource(e.target.value)}
            placeholder="e.g. Field recordings, Norfolk 2026"
          />
          <div className={styles.summary}>
            <span>
              {plural(files.length, "file")} · {formatBytes(totalBytes)}
            </span>
            {metadata ? (
              <span className={styles.sidecar}>
                metadata: {metadata.name}
                <IconButton label="Remove metadata file" onClick={() => setMetadata(null)}>
                  <CloseIcon size={14} />
                </IconButton>
              </span>
            ) : null}
          </div>
          <Button
            variant="primary"
            size="lg"
            disabled={busy || !files.some((f) => f.state === "waiting")}
            onClick={() => void start()}
          >
            <UploadIcon size={18} /> Start upload
          </Button>
        </div>
      </Card>

      {files.length || items.length ? (
        <Card
          title="Progress"
          actions={
            retriable.length || failedUploads.length ? (
              <Button disabled={busy} onClick={() => void retry(retriable, failedUploads)}>
                <RetryIcon size={16} /> Retry {plural(retriable.length + failedUploads.length, "failed file")}
              </Button>
            ) : null
          }
        >
          <div className={styles.batchBars}>
            <div>
              <div className={styles.barLabel}>
                <span>Uploaded</span>
                <span>
                  {uploadedCount} / {files.length}
                </span>
              </div>
              <ProgressBar value={uploadFraction} label="Upload progress" />
            </div>
            <div>
              <div className={styles.barLabel}>
                <span>Processed</span>
                <span data-testid="batch-counts">
                  {totals.done} done · {totals.duplicate} duplicate · {totals.failed} failed ·{" "}
                  {totals.queued + totals.processing} waiting
                </span>
              </div>
              <StackedBar
                label="Processing progress"
                total={totals.total}
                parts={[
                  { value: totals.done + totals.duplicate, tone: "ok", name: "finished" },
                  { value: totals.failed, tone: "danger", name: "failed" },
                  {
                    value: totals.weighted - totals.done - totals.duplicate - totals.failed,
                    tone: "accent",
                    name: "in progress",
                  },
                ]}
              />
            </div>
          </div>
          <div className={admin.tableWrap}>
            <table className={`${admin.table} ${styles.items}`} aria-label="Files">
              <thead>
                <tr>
                  <th scope="col">File</th>
                  <th scope="col">Size</th>
                  <th scope="col" className={styles.progressCol}>
                    Progress
                  </th>
                  <th scope="col">Status</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {items.map((item) => (
                  <tr key={item.id} data-status={item.status}>
                    <td className={styles.filename}>{item.filename}</td>
                    <td className={admin.num}>{formatBytes(item.sizeBytes)}</td>
                    <td>
                      <ProgressBar
                        value={
                          item.status === "DONE" || item.status === "DUPLICATE" || item.status === "FAILED"
                            ? 1
                            : item.progress
                        }
                        label={`${item.filename} processing`}
                        tone={
                          item.status === "FAILED"
                            ? "danger"
                            : item.status === "DONE" || item.status === "DUPLICATE"
                              ? "ok"
                              : "accent"
                        }
                      />
                    </td>
                    <td>
                      <span className={styles.status}>
                        <Tag tone={ITEM_TONE[item.status]}>{item.status.toLowerCase()}</Tag>
                        <StatusText item={item} />
                      </span>
                    </td>
                    <td>
                      {item.status === "FAILED" && fileByName.current.has(item.filename) ? (
                        <IconButton
                          label={`Retry ${item.filename}`}
                          disabled={busy}
                          onClick={() => void retry([item], [])}
                        >
                          <RetryIcon size={16} />
                        </IconButton>
                      ) : null}
                    </td>
                  </tr>
                ))}
                {localRows.map((f) => (
                  <tr key={f.key} data-status={f.state}>
                    <td className={styles.filename} title={f.path}>
                      {f.path}
                    </td>
                    <td className={admin.num}>{formatBytes(f.file.size)}</td>
                    <td>
                      <ProgressBar
                        value={f.progress}
                        label={`${f.path} upload`}
                        tone={f.state === "failed" ? "danger" : "accent"}
                      />
                    </td>
                    <td>
                      <span className={styles.status}>
                        <Tag tone={f.state === "failed" ? "danger" : f.state === "uploading" ? "accent" : "neutral"}>
                          {f.state === "waiting" ? "ready" : f.state}
                        </Tag>
                        {f.state === "uploading" ? <span>Uploading {Math.round(f.progress * 100)}%</span> : null}
                        {f.error ? <span className={styles.failure}>{f.error}</span> : null}
                      </span>
                    </td>
                    <td>
                      {f.state === "failed" ? (
                        <IconButton label={`Retry ${f.path}`} disabled={busy} onClick={() => void retry([], [f])}>
                          <RetryIcon size={16} />
                        </IconButton>
                      ) : f.state === "waiting" ? (
                        <IconButton
                          label={`Remove ${f.path}`}
                          onClick={() => setFiles((fs) => fs.filter((x) => x.key !== f.key))}
                        >
                          <CloseIcon size={16} />
                        </IconButton>
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </Card>
      ) : null}

      <Card title="Recent batches">
        {recent.data?.uploadBatches.edges.length ? (
          <div className={admin.tableWrap}>
            <table className={admin.table}>
              <thead>
                <tr>
                  <th scope="col">Started</th>
                  <th scope="col">Source</th>
                  <th scope="col">Status</th>
                  <th scope="col" className={admin.num}>
                    Files
                  </th>
                  <th scope="col" className={admin.num}>
                    Failed
                  </th>
                  <th scope="col" className={styles.progressCol}>
                    Progress
                  </th>
                </tr>
              </thead>
              <tbody>
                {recent.data.uploadBatches.edges.map(({ node: b }) => (
                  <tr key={b.id}>
                    <td>
                      <Link href={`${pathname}?batch=${b.id}`} onClick={() => setBatchIds([b.id])}>
                        {formatDate(b.createdAt)}
                      </Link>
                    </td>
                    <td>{b.source || <span className={admin.muted}>–</span>}</td>
                    <td>
                      <BatchState batch={b} />
                    </td>
                    <td className={admin.num}>{b.progress.total}</td>
                    <td className={admin.num}>{b.progress.failed}</td>
                    <td>
                      <StackedBar
                        label={`Batch ${formatDate(b.createdAt)}`}
                        total={b.progress.total}
                        parts={[
                          { value: b.progress.done + b.progress.duplicate, tone: "ok", name: "finished" },
                          { value: b.progress.failed, tone: "danger", name: "failed" },
                        ]}
                      />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <p className={admin.muted}>{recent.loading ? "Loading…" : "No uploads yet."}</p>
        )}
      </Card>
    </div>
  );
}
