// `earshot ingest PATH --tenant SLUG [--metadata FILE]`: bulk upload of a folder, a zip or one file, through the
// running worker and embedder (`pnpm start`). The CLI stores the files and queues one job per file, then follows
// the batch until every file is done, a duplicate, or failed with its reason.
import { stat } from "node:fs/promises";
import path from "node:path";
import { loadConfig } from "@earshot/config";
import {
  type AddedItem,
  addUploadArchive,
  addUploadFile,
  addUploadFolder,
  type BatchProgress,
  batchProgress,
  createIngestQueues,
  createStorage,
  createUploadBatch,
  type IngestContext,
  IngestError,
  type IngestQueues,
  loadMetadataFile,
  metadataFor,
  sealUploadBatch,
} from "@earshot/ingest";
import type { Command } from "commander";
import { CliError, ExitCode, exitWithError, printable, printJson } from "../output.ts";
import { type CliDatabase, findTenant, openCliDatabase } from "./tenant.ts";

interface Options {
  tenant: string;
  metadata?: string;
  json?: boolean;
  wait: boolean;
}

const POLL_MS = 300;
/** How often, while waiting, the CLI checks that a worker is still connected. */
const WORKER_CHECK_MS = 10_000;

export function register(program: Command) {
  program
    .command("ingest <path>")
    .description("Upload a folder, a zip or a file of audio into a tenant's archive (needs `pnpm start` running)")
    .requiredOption("--tenant <slug>", "tenant to ingest into")
    .option("--metadata <file>", "sidecar CSV or JSON: filename -> title, description, tags, category, licence, …")
    .option("--no-wait", "queue the files and return without following the batch")
    .option("--json", "print the summary as JSON")
    .action(async (target: string, opts: Options) => {
      let db: CliDatabase | undefined;
      let queues: IngestQueues | undefined;
      let code: number = ExitCode.ok;
      try {
        const config = loadConfig();
        const kind = await pathKind(target);
        db = await openCliDatabase(config, { startEmbedded: false });
        const tenant = await findTenant(db.pool, opts.tenant);
        queues = createIngestQueues({ redisUrl: config.REDIS_URL, prefix: config.QUEUE_PREFIX });
        await requireWorker(queues);

        const ctx: IngestContext = {
          pool: db.pool,
          tenantId: tenant.id,
          storage: createStorage(config),
          queues,
          maxFileBytes: config.INGEST_MAX_FILE_BYTES,
        };
        const batch = await createUploadBatch(db.pool, tenant.id, { source: `cli:${path.basename(target)}` });
        const tty = process.stderr.isTTY && !opts.json;
        let added = 0;
        const onItem = (item: AddedItem) => {
          added++;
          if (tty) process.stderr.write(`\r\x1b[Kstoring ${added}: ${printable(item.filename)}`);
        };
        const metadata = opts.metadata ? path.resolve(opts.metadata) : undefined;
        if (kind === "folder") await addUploadFolder(ctx, batch.id, target, metadata, onItem);
        else if (kind === "zip") await addUploadArchive(ctx, batch.id, target, metadata, onItem);
        else await addSingleFile(ctx, batch.id, target, metadata, onItem);
        await sealUploadBatch(ctx, batch.id);
        if (tty) process.stderr.write("\r\x1b[K");
        if (!opts.json) process.stderr.write(`batch ${batch.id}: ${added} file(s) queued for ${tenant.slug}\n`);

        if (!opts.wait) {
          if (opts.json) printJson({ batchId: batch.id, files: added });
        } else {
          // The batch lives on in the queue: Ctrl-C only stops watching it.
          process.once("SIGINT", () => {
            process.stderr.write(`\nstopped watching; batch ${batch.id} goes on in the background\n`);
            process.exit(130);
          });
          const final = await follow(db, queues, tenant.id, batch.id, { tty, json: Boolean(opts.json) });
          report(final, Boolean(opts.json));
          if (final.counts.failed > 0) code = ExitCode.failed;
        }
      } catch (err) {
        await queues?.close().catch(() => {});
        await db?.close().catch(() => {});
        exitWithError(err instanceof IngestError ? new CliError(err.code, err.message) : err, Boolean(opts.json));
      }
      await queues?.close();
      await db?.close();
      process.exit(code);
    });
}

async function pathKind(target: string): Promise<"folder" | "zip" | "file"> {
  const st = await stat(target).catch(() => {
    throw new CliError("NOT_FOUND", `no such file or folder: ${target}`);
  });
  if (st.isDirectory()) return "folder";
  return target.toLowerCase().endsWith(".zip") ? "zip" : "file";
}

async function addSingleFile(
  ctx: IngestContext,
  batchId: string,
  file: string,
  metadataFile: string | undefined,
  onItem: (item: AddedItem) => void,
) {
  const sidecar = metadataFile ? await loadMetadataFile(ctx, batchId, metadataFile, onItem) : undefined;
  const filename = path.basename(file);
  onItem(
    await addUploadFile(ctx, batchId, { filename, source: { path: file }, metadata: metadataFor(sidecar, filename) }),
  );
}

/** Refuses to queue work nobody will do: the worker (and with it the embedder) must be running. */
async function requireWorker(queues: IngestQueues) {
  const ping = await Promise.race([
    queues.redis.ping().then(() => true),
    new Promise<boolean>((r) => setTimeout(() => r(false), 3000)),
  ]).catch(() => false);
  if (!ping) {
    throw new CliError(
      "REDIS_UNAVAILABLE",
      "Redis is not answering at REDIS_URL; start Earshot with `pnpm start`",
      ExitCode.unavailable,
    );
  }
  if ((await queues.ingest.getWorkers()).length === 0) {
    throw new CliError(
      "NO_WORKER",
      "no ingest worker is running: start Earshot with `pnpm start` (it runs the worker and the embedder), then retry",
      ExitCode.unavailable,
    );
  }
}

async function follow(
  db: CliDatabase,
  queues: IngestQueues,
  tenantId: string,
  batchId: string,
  out: { tty: boolean; json: boolean },
): Promise<BatchProgress> {
  const started = Date.now();
  const reported = new Set<string>();
  let lastWorkerCheck = Date.now();
  for (;;) {
    const p = (await batchProgress(db.pool, tenantId, batchId))!;
    if (out.tty) process.stderr.write(`\r\x1b[K${bar(p, (Date.now() - started) / 1000)}`);
    else if (!out.json) {
      for (const item of p.items) {
        if (reported.has(item.id) || item.status === "queued" || item.status === "processing") continue;
        reported.add(item.id);
        const why = item.errorCode ? ` ${item.errorCode}: ${item.errorMessage}` : "";
        process.stderr.write(`${item.status.padEnd(9)} ${printable(`${item.filename}${why}`)}\n`);
      }
    }
    if (p.status === "done") {
      if (out.tty) process.stderr.write("\n");
      return p;
    }
    if (Date.now() - lastWorkerCheck > WORKER_CHECK_MS) {
      lastWorkerCheck = Date.now();
      if ((await queues.ingest.getWorkers()).length === 0) {
        if (out.tty) process.stderr.write("\n");
        throw new CliError(
          "NO_WORKER",
          `the ingest worker stopped; batch ${batchId} resumes when it runs again (\`pnpm start\`)`,
          ExitCode.unavailable,
        );
      }
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

function bar(p: BatchProgress, seconds: number): string {
  const c = p.counts;
  const finished = c.done + c.duplicate + c.failed;
  const inFlight = p.items.filter((i) => i.status === "processing").reduce((s, i) => s + i.progress, 0);
  const frac = c.total === 0 ? 1 : Math.min(1, (finished + inFlight) / c.total);
  const width = 30;
  const filled = Math.round(frac * width);
  const rate = seconds > 0 ? (finished / seconds).toFixed(1) : "0";
  return (
    `[${"#".repeat(filled)}${".".repeat(width - filled)}] ${finished}/${c.total}  ` +
    `ingested ${c.done}  duplicates ${c.duplicate}  failed ${c.failed}  ${rate} files/s`
  );
}

function report(p: BatchProgress, json: boolean) {
  const failures = p.items
    .filter((i) => i.status === "failed")
    .map((i) => ({ filename: i.filename, code: i.errorCode, message: i.errorMessage }));
  if (json) {
    printJson({
      batchId: p.id,
      ingested: p.counts.done,
      duplicates: p.counts.duplicate,
      failed: p.counts.failed,
      total: p.counts.total,
      failures,
    });
    return;
  }
  process.stdout.write(
    `ingested ${p.counts.done}, duplicates ${p.counts.duplicate}, failed ${p.counts.failed} (of ${p.counts.total})\n`,
  );
  for (const f of failures) process.stdout.write(`  failed ${printable(`${f.filename}: ${f.code} ${f.message}`)}\n`);
}
