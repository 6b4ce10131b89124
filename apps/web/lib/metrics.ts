// Evaluation metrics as the model bundle reports them (manifest.json "metrics"), shaped for a table.

export interface MetricRow {
  dataset: string;
  /** e.g. "text → audio", or "random · text → audio" for a baseline. */
  label: string;
  values: Record<string, number>;
}

const DIRECTION: Record<string, string> = { t2a: "text → audio", a2t: "audio → text" };
// Paper order: recall at rising K, mAP, then the rank statistics (lower is better).
const ORDER = ["R1", "R5", "R10", "R50", "mAP10", "geomR1R5R10", "MdR", "MnR"];
export const HEADING: Record<string, string> = {
  R1: "R@1",
  R5: "R@5",
  R10: "R@10",
  R50: "R@50",
  mAP10: "mAP@10",
  geomR1R5R10: "geo. mean R@1,5,10",
  MdR: "MedR",
  MnR: "MeanR",
};

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Bundle metrics are {dataset: {clips, queries, t2a: {R1: ...}, a2t: {...}, random: {t2a: {...}}}}: one row per
 * direction (nested groups such as a random baseline get their own rows); plain numbers describe the dataset.
 */
export function metricRows(metrics: unknown): { rows: MetricRow[]; columns: string[]; notes: Record<string, string> } {
  const rows: MetricRow[] = [];
  const notes: Record<string, string> = {};
  if (isObj(metrics)) {
    for (const [dataset, body] of Object.entries(metrics)) {
      if (!isObj(body)) continue;
      const facts = Object.entries(body).filter(([, v]) => typeof v === "number");
      if (facts.length) notes[dataset] = facts.map(([k, v]) => `${v} ${k}`).join(", ");
      const walk = (node: Obj, path: string[]) => {
        const values = Object.fromEntries(
          Object.entries(node).filter((e): e is [string, number] => typeof e[1] === "number"),
        );
        if (path.length && Object.keys(values).length) {
          rows.push({ dataset, label: path.map((p) => DIRECTION[p] ?? p).join(" · "), values });
        }
        for (const [k, v] of Object.entries(node)) if (isObj(v)) walk(v, [...path, k]);
      };
      walk(Object.fromEntries(Object.entries(body).filter(([, v]) => isObj(v))), []);
    }
  }
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r.values)))].sort((a, b) => {
    const ia = ORDER.indexOf(a);
    const ib = ORDER.indexOf(b);
    return (ia < 0 ? ORDER.length : ia) - (ib < 0 ? ORDER.length : ib) || a.localeCompare(b);
  });
  return { rows, columns, notes };
}
