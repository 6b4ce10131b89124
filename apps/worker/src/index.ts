export type { IngestOutcome, JobDeps } from "./ingest-job.ts";
export { ModelRegistry } from "./models.ts";
export type { ReindexResult } from "./reindex-job.ts";
export { type RunningWorkers, startWorkers, type WorkerOptions } from "./worker.ts";
