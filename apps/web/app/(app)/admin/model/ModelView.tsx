"use client";

import { useEffect, useState } from "react";
import { useCan } from "@/components/session.tsx";
import { Alert, Button, Card, PageHeader, ProgressBar, Spinner, Tag } from "@/components/ui.tsx";
import { formatDate } from "@/lib/format.ts";
import { errorMessage, GqlError, gql } from "@/lib/gql.ts";
import { HEADING, metricRows } from "@/lib/metrics.ts";
import { MODEL, REINDEX_STATUS, START_REINDEX } from "@/lib/queries.ts";
import type { ModelVersion } from "@/lib/types.ts";
import { useQuery } from "@/lib/use-query.ts";
import styles from "../admin.module.css";

/** The API's ReindexState enum. */
type ReindexState =
  | "WAITING"
  | "PRIORITIZED"
  | "WAITING_CHILDREN"
  | "DELAYED"
  | "ACTIVE"
  | "COMPLETED"
  | "FAILED"
  | "UNKNOWN";
const RUNNING: ReadonlySet<ReindexState> = new Set(["WAITING", "PRIORITIZED", "WAITING_CHILDREN", "DELAYED", "ACTIVE"]);

interface ReindexStatus {
  jobId: string;
  state: ReindexState;
  progress: number;
  error: string | null;
}

function formatMetric(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toFixed(2);
}

export function ModelView() {
  const isAdmin = useCan("ADMIN");
  const q = useQuery<{ model: ModelVersion | null; audios: { totalCount: number } }>(MODEL, {}, !isAdmin);
  const [status, setStatus] = useState<ReindexStatus | null>(null);
  const [statusSupported, setStatusSupported] = useState(true);
  const [started, setStarted] = useState<string | null>(null);
  const [finished, setFinished] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  // A finished job is removed, so after a start "no job any more" also means finished.
  const state = status?.state ?? null;
  const running = state !== null && RUNNING.has(state);
  const poll = running || (started !== null && !finished);
  useEffect(() => {
    if (!isAdmin || !statusSupported) return;
    let live = true;
    const load = async () => {
      try {
        const res = await gql<{ reindexStatus: ReindexStatus | null }>(REINDEX_STATUS);
        if (!live) return;
        setStatus(res.reindexStatus);
        const s = res.reindexStatus?.state;
        if (started && (!s || s === "COMPLETED")) setFinished(true);
      } catch (err) {
        // An API without reindexStatus rejects the query: fall back to "started".
        if (err instanceof GqlError && err.code === "GRAPHQL_VALIDATION_FAILED") setStatusSupported(false);
      }
    };
    void load();
    if (!poll) return;
    const timer = setInterval(load, 1000);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [isAdmin, statusSupported, poll, started]);

  useEffect(() => {
    // The search model switches at the end of a re-index: reload it then.
    if (finished) void q.refetch();
  }, [finished, q.refetch]);

  async function reindex() {
    if (
      !window.confirm(
        "Re-embed every sound with the model the embedder serves now? Search keeps using the current vectors until it finishes.",
      )
    )
      return;
    setBusy(true);
    setError(null);
    try {
      const res = await gql<{ startReindex: { jobId: string } }>(START_REINDEX);
      setFinished(false);
      setStarted(res.startReindex.jobId);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  if (!isAdmin) return <Alert>The model page is for the archive's admins.</Alert>;
  if (q.loading && !q.data) return <Spinner label="Loading model" />;
  const model = q.data?.model;
  const { rows, columns, notes } = metricRows(model?.metrics);
  return (
    <div className={styles.stack}>
      <PageHeader
        title="Search model"
        description="The Collaborative Experts model that turns descriptions and recordings into comparable vectors."
      />
      {q.error ? <Alert>{errorMessage(q.error)}</Alert> : null}
      {error ? <Alert>{error}</Alert> : null}
      <Card title="Version">
        {model ? (
          <dl className={styles.facts}>
            <dt>Name</dt>
            <dd>{model.name}</dd>
            <dt>Version</dt>
            <dd className={styles.mono}>{model.version}</dd>
            <dt>Architecture</dt>
            <dd>{model.architecture ?? "–"}</dd>
            <dt>Embedding size</dt>
            <dd>{model.dim}</dd>
            <dt>Experts</dt>
            <dd>
              <span className={styles.tags}>
                {model.experts.map((e, i) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: expert order is fixed by the model.
                  <Tag key={i}>{e || "unnamed"}</Tag>
                ))}
              </span>
            </dd>
            <dt>Registered</dt>
            <dd>{formatDate(model.createdAt)}</dd>
            <dt>Indexed sounds</dt>
            <dd>{q.data?.audios.totalCount ?? "–"}</dd>
          </dl>
        ) : (
          <p className={styles.muted}>
            No model is registered for this archive yet; it is set when the first sound is processed.
          </p>
        )}
      </Card>
      <Card title="Evaluation">
        {rows.length ? (
          <div className={styles.tableWrap}>
            <table className={styles.table} aria-label="Evaluation metrics">
              <thead>
                <tr>
                  <th scope="col">Dataset</th>
                  <th scope="col">Direction</th>
                  {columns.map((c) => (
                    <th key={c} scope="col" className={`${styles.num} ${styles.metric}`}>
                      {HEADING[c] ?? c}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {rows.map((r, i) => (
                  <tr key={`${r.dataset}/${r.label}`}>
                    {rows[i - 1]?.dataset === r.dataset ? null : (
                      <th
                        scope="row"
                        rowSpan={rows.filter((x) => x.dataset === r.dataset).length}
                        className={styles.rowHead}
                      >
                        {r.dataset}
                        {notes[r.dataset] ? <div className={styles.muted}>{notes[r.dataset]}</div> : null}
                      </th>
                    )}
                    <td>{r.label}</td>
                    {columns.map((c) => (
                      <td key={c} className={styles.num}>
                        {r.values[c] === undefined ? "–" : formatMetric(r.values[c])}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
            <p className={styles.muted}>
              R@K and mAP in percent (higher is better); MedR and MeanR are the median and mean rank of the right answer
              (lower is better).
            </p>
          </div>
        ) : (
          <p className={styles.muted}>The model bundle reports no evaluation metrics.</p>
        )}
      </Card>
      <Card
        title="Re-index"
        actions={
          <Button variant="primary" onClick={reindex} disabled={busy || running}>
            {running ? "Re-indexing…" : "Re-index archive"}
          </Button>
        }
      >
        <p className={styles.muted}>
          After a model upgrade, re-embed every sound. Search keeps answering with the current vectors until every sound
          has new ones, then switches over at once.
        </p>
        {finished ? (
          <div className={styles.reindex}>
            <div className={styles.reindexHead}>
              <Tag tone="ok">finished</Tag>
              <span className={styles.mono}>100%</span>
            </div>
            <ProgressBar value={1} label="Re-index progress" tone="ok" />
            <p className={styles.muted}>Every sound has vectors from the model above; search uses them now.</p>
          </div>
        ) : status && state ? (
          <div className={styles.reindex}>
            <div className={styles.reindexHead}>
              <Tag tone={state === "FAILED" ? "danger" : state === "COMPLETED" ? "ok" : "accent"}>
                {state.toLowerCase()}
              </Tag>
              <span className={styles.mono}>{Math.round(status.progress * 100)}%</span>
            </div>
            <ProgressBar
              value={status.progress}
              label="Re-index progress"
              tone={state === "FAILED" ? "danger" : "ok"}
            />
            {status.error ? <Alert>{status.error}</Alert> : null}
          </div>
        ) : started ? (
          <Alert tone="info">Re-index started (job {started}). It runs in the background; progress appears here.</Alert>
        ) : null}
      </Card>
    </div>
  );
}
