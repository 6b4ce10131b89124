"use client";

import Link from "next/link";
import { useSearchParams } from "next/navigation";
import { type FormEvent, useEffect, useMemo, useState } from "react";
import { DownloadIcon, PauseIcon, PlayIcon, PlusIcon, SimilarIcon } from "@/components/icons.tsx";
import { ResultList } from "@/components/ResultList.tsx";
import { useCan } from "@/components/session.tsx";
import { TagInput } from "@/components/TagInput.tsx";
import {
  Alert,
  Button,
  Card,
  Dialog,
  EmptyState,
  SelectField,
  Spinner,
  Tag,
  TextArea,
  TextField,
} from "@/components/ui.tsx";
import { Waveform } from "@/components/Waveform.tsx";
import { formatBytes, formatClock, formatDate, formatDuration } from "@/lib/format.ts";
import { errorMessage, gql } from "@/lib/gql.ts";
import { player, usePlayer } from "@/lib/player.ts";
import {
  ADD_TO_COLLECTION,
  AUDIO,
  COLLECTIONS,
  CREATE_COLLECTION,
  SIMILAR,
  SUGGEST_TAGS,
  UPDATE_AUDIO,
} from "@/lib/queries.ts";
import type { AudioDetail, Connection, SearchHit, TagSuggestion, TimeRange } from "@/lib/types.ts";
import { useQuery } from "@/lib/use-query.ts";
import styles from "./asset.module.css";

interface Draft {
  title: string;
  description: string;
  tags: string[];
  category: string;
  licence: string;
  custom: string;
}

function draftOf(a: AudioDetail): Draft {
  return {
    title: a.title,
    description: a.description,
    tags: a.tags,
    category: a.category,
    licence: a.licence,
    custom: Object.keys(a.custom ?? {}).length ? JSON.stringify(a.custom, null, 2) : "",
  };
}

const STATUS_TONE = { READY: "ok", PROCESSING: "accent", PENDING: "neutral", FAILED: "danger" } as const;

function MetadataForm({ asset, onSaved }: { asset: AudioDetail; onSaved: (a: Partial<AudioDetail>) => void }) {
  const canEdit = useCan("ARCHIVIST");
  const [draft, setDraft] = useState<Draft>(() => draftOf(asset));
  const [saving, setSaving] = useState(false);
  const [message, setMessage] = useState<{ tone: "ok" | "danger"; text: string } | null>(null);
  const [customError, setCustomError] = useState<string | null>(null);
  const saved = useMemo(() => draftOf(asset), [asset]);
  const dirty = JSON.stringify(draft) !== JSON.stringify(saved);

  // Tags accepted from suggestions arrive through `asset`: merge them into the draft.
  useEffect(() => {
    setDraft((d) => ({ ...d, tags: [...d.tags, ...asset.tags.filter((t) => !d.tags.includes(t))] }));
  }, [asset.tags]);

  async function save(e: FormEvent) {
    e.preventDefault();
    let custom: unknown;
    if (draft.custom.trim()) {
      try {
        custom = JSON.parse(draft.custom);
      } catch {
        setCustomError('Not valid JSON. Use an object such as {"recordist": "A. Smith"}.');
        return;
      }
      if (typeof custom !== "object" || custom === null || Array.isArray(custom)) {
        setCustomError("Extra metadata must be a JSON object ({ … }).");
        return;
      }
    } else custom = {};
    setCustomError(null);
    setSaving(true);
    setMessage(null);
    try {
      const res = await gql<{ updateAudioMetadata: Partial<AudioDetail> }>(UPDATE_AUDIO, {
        id: asset.id,
        input: {
          title: draft.title.trim(),
          description: draft.description,
          tags: draft.tags,
          category: draft.category.trim(),
          licence: draft.licence.trim(),
          custom,
        },
      });
      onSaved(res.updateAudioMetadata);
      setMessage({ tone: "ok", text: "Saved." });
    } catch (err) {
      setMessage({ tone: "danger", text: errorMessage(err) });
    } finally {
      setSaving(false);
    }
  }

  const set = (k: keyof Draft) => (e: { target: { value: string } }) =>
    setDraft((d) => ({ ...d, [k]: e.target.value }));
  return (
    <Card title="Catalogue" actions={canEdit ? null : <Tag>read only</Tag>}>
      <form className={styles.form} onSubmit={save} aria-label="Catalogue metadata">
        <TextField label="Title" value={draft.title} onChange={set("title")} maxLength={300} readOnly={!canEdit} />
        <TextArea
          label="Description"
          value={draft.description}
          onChange={set("description")}
          maxLength={10000}
          rows={3}
          readOnly={!canEdit}
        />
        <TagInput
          label="Tags"
          value={draft.tags}
          onChange={(tags) => setDraft((d) => ({ ...d, tags }))}
          disabled={!canEdit}
        />
        <div className={styles.pair}>
          <TextField label="Category" value={draft.category} onChange={set("category")} readOnly={!canEdit} />
          <TextField label="Licence" value={draft.licence} onChange={set("licence")} readOnly={!canEdit} />
        </div>
        <TextArea
          label="Extra metadata (JSON)"
          value={draft.custom}
          onChange={set("custom")}
          rows={3}
          readOnly={!canEdit}
          error={customError}
          className={styles.mono}
        />
        {canEdit ? (
          <div className={styles.formActions}>
            <Button type="submit" variant="primary" disabled={!dirty || saving}>
              {saving ? "Saving…" : "Save changes"}
            </Button>
            <Button variant="ghost" disabled={!dirty || saving} onClick={() => setDraft(saved)}>
              Discard
            </Button>
            <span className={styles.saveStatus} role="status">
              {message ? (
                <span className={message.tone === "ok" ? styles.ok : styles.bad}>{message.text}</span>
              ) : dirty ? (
                "Unsaved changes"
              ) : (
                ""
              )}
            </span>
          </div>
        ) : null}
      </form>
    </Card>
  );
}

function Suggestions({ asset, onAccepted }: { asset: AudioDetail; onAccepted: (tags: string[]) => void }) {
  const canEdit = useCan("ARCHIVIST");
  const q = useQuery<{ suggestTags: Connection<TagSuggestion> }>(
    SUGGEST_TAGS,
    { assetId: asset.id, first: 12 },
    asset.status !== "READY",
  );
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const suggestions = (q.data?.suggestTags.edges ?? []).map((e) => e.node).filter((s) => !asset.tags.includes(s.text));

  async function accept(text: string) {
    setBusy(text);
    setError(null);
    try {
      const res = await gql<{ updateAudioMetadata: { tags: string[] } }>(UPDATE_AUDIO, {
        id: asset.id,
        input: { tags: [...asset.tags, text] },
      });
      onAccepted(res.updateAudioMetadata.tags);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(null);
    }
  }

  return (
    <Card title="Suggested tags">
      <p className={styles.help}>
        What the model hears in this recording. {canEdit ? "Click one to add it to the tags." : ""}
      </p>
      {error ? <Alert>{error}</Alert> : null}
      {asset.status !== "READY" ? (
        <p className={styles.help}>Suggestions appear once the sound is processed.</p>
      ) : q.loading && !q.data ? (
        <Spinner label="Loading suggestions" />
      ) : q.error ? (
        <Alert>{errorMessage(q.error)}</Alert>
      ) : suggestions.length === 0 ? (
        <p className={styles.help}>No further suggestions.</p>
      ) : (
        <ul className={styles.suggestions} aria-label="Suggested tags">
          {suggestions.map((s) => (
            <li key={s.text}>
              <button
                type="button"
                className={styles.suggestion}
                disabled={!canEdit || busy !== null}
                onClick={() => accept(s.text)}
                aria-label={`Accept suggested tag ${s.text}`}
                title={`similarity ${s.score.toFixed(3)} · ${s.source.toLowerCase().replace("_", " ")}`}
              >
                {canEdit ? <PlusIcon size={14} /> : null}
                {s.text}
                <span className={styles.suggestionScore}>{s.score.toFixed(2)}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}

function AddToCollection({
  asset,
  open,
  onClose,
  onAdded,
}: {
  asset: AudioDetail;
  open: boolean;
  onClose: () => void;
  onAdded: () => void;
}) {
  const collections = useQuery<{ collections: Connection<{ id: string; name: string }> }>(
    COLLECTIONS,
    { first: 100 },
    !open,
  );
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const memberOf = new Set(asset.collections.edges.map((e) => e.node.id));

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const existing = String(f.get("collection") ?? "");
    const name = String(f.get("name") ?? "").trim();
    if (!existing && !name) return setError("Choose a collection or type a name for a new one.");
    setBusy(true);
    setError(null);
    try {
      let collectionId = existing;
      if (!collectionId) {
        const created = await gql<{ createCollection: { id: string } }>(CREATE_COLLECTION, { input: { name } });
        collectionId = created.createCollection.id;
      }
      await gql(ADD_TO_COLLECTION, { collectionId, assetIds: [asset.id] });
      onAdded();
      onClose();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Dialog open={open} title="Add to collection" onClose={onClose}>
      <form className={styles.form} onSubmit={submit}>
        {error ? <Alert>{error}</Alert> : null}
        <SelectField label="Collection" name="collection" defaultValue="">
          <option value="">New collection…</option>
          {collections.data?.collections.edges.map(({ node }) => (
            <option key={node.id} value={node.id} disabled={memberOf.has(node.id)}>
              {node.name}
              {memberOf.has(node.id) ? " (already in)" : ""}
            </option>
          ))}
        </SelectField>
        <TextField
          label="New collection name"
          name="name"
          maxLength={200}
          hint="Used when “New collection…” is chosen."
        />
        <div className={styles.formActions}>
          <Button type="submit" variant="primary" disabled={busy}>
            {busy ? "Adding…" : "Add"}
          </Button>
          <Button variant="ghost" onClick={onClose}>
            Cancel
          </Button>
        </div>
      </form>
    </Dialog>
  );
}

function SimilarSounds({ asset, from }: { asset: AudioDetail; from: number | null }) {
  const q = useQuery<{ similarAudio: Connection<SearchHit> }>(
    SIMILAR,
    { assetId: asset.id, segmentStart: from, first: 10 },
    asset.status !== "READY",
  );
  const hits = (q.data?.similarAudio.edges ?? []).map((e) => e.node).filter((h) => h.asset.id !== asset.id);
  return (
    <section id="similar" className={styles.similar} aria-labelledby="similar-heading">
      <h2 id="similar-heading">Similar sounds</h2>
      {asset.status !== "READY" ? (
        <p className={styles.help}>Similar sounds appear once this sound is processed.</p>
      ) : q.error ? (
        <Alert>{errorMessage(q.error)}</Alert>
      ) : !q.loading && hits.length === 0 ? (
        <EmptyState title="Nothing sounds like this yet">
          <p>Upload more recordings, or search by description instead.</p>
        </EmptyState>
      ) : (
        <ResultList items={hits} label="Similar sounds" loading={q.loading} skeletons={4} />
      )}
    </section>
  );
}

/** One sound: listen, read and edit its catalogue entry, accept suggested tags, find what sounds alike. */
export function AssetView({ id }: { id: string }) {
  const params = useSearchParams();
  const q = useQuery<{ audio: AudioDetail | null }>(AUDIO, { id });
  const [asset, setAsset] = useState<AudioDetail | null>(null);
  const [collectOpen, setCollectOpen] = useState(false);
  const canEdit = useCan("ARCHIVIST");
  const playing = usePlayer((s) => s.track?.assetId === id && s.playing);
  const time = usePlayer((s) => (s.track?.assetId === id ? s.time : -1));

  useEffect(() => {
    if (q.data) setAsset(q.data.audio);
  }, [q.data]);

  const t = Number.parseFloat(params.get("t") ?? "");
  const e = Number.parseFloat(params.get("e") ?? "");
  const highlight: TimeRange | null = Number.isFinite(t) ? { startS: t, endS: Number.isFinite(e) ? e : t } : null;
  // Marked only when it is a part of the recording (see ResultRow).
  const partOf = (duration: number) =>
    highlight && duration > 0 && highlight.endS - highlight.startS < 0.9 * duration ? highlight : null;

  useEffect(() => {
    if (!asset) return;
    const onKey = (ev: KeyboardEvent) => {
      const el = ev.target as HTMLElement;
      if (ev.key !== " " || ev.altKey || ev.ctrlKey || ev.metaKey) return;
      if (
        el.isContentEditable ||
        ["INPUT", "TEXTAREA", "SELECT", "BUTTON", "A"].includes(el.tagName) ||
        el.closest("[data-results]")
      )
        return;
      ev.preventDefault();
      player.toggle({
        assetId: asset.id,
        src: asset.media.streamUrl,
        title: asset.title || asset.originalFilename,
        startS: highlight?.startS ?? 0,
      });
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [asset, highlight?.startS]);

  if (q.error && !asset) return <Alert>{errorMessage(q.error)}</Alert>;
  if (!asset) {
    if (q.data && !q.data.audio)
      return (
        <EmptyState title="Sound not found" action={<Link href="/">Back to search</Link>}>
          <p>It may have been deleted, or it belongs to another archive.</p>
        </EmptyState>
      );
    return (
      <div className={styles.loading}>
        <Spinner label="Loading sound" />
      </div>
    );
  }

  const title = asset.title || asset.originalFilename;
  const track = { assetId: asset.id, src: asset.media.streamUrl, title, startS: highlight?.startS ?? 0 };
  const patch = (p: Partial<AudioDetail>) => setAsset((a) => (a ? { ...a, ...p } : a));

  return (
    <div className={styles.page}>
      <nav aria-label="Breadcrumb" className={styles.crumbs}>
        <Link href="/">Search</Link> <span aria-hidden="true">/</span> <span>{title}</span>
      </nav>
      <header className={styles.header}>
        <div className={styles.headText}>
          <h1>{title}</h1>
          <p className={styles.subtitle}>
            <span className={styles.filename}>{asset.originalFilename}</span>
            <Tag tone={STATUS_TONE[asset.status]}>{asset.status.toLowerCase()}</Tag>
            {asset.category ? <Tag>{asset.category}</Tag> : null}
            {asset.licence ? <Tag>{asset.licence}</Tag> : null}
          </p>
        </div>
        <div className={styles.headActions}>
          {canEdit ? (
            <Button onClick={() => setCollectOpen(true)}>
              <PlusIcon size={16} /> Add to collection
            </Button>
          ) : null}
          <Button onClick={() => document.getElementById("similar")?.scrollIntoView({ behavior: "smooth" })}>
            <SimilarIcon size={16} /> Similar sounds
          </Button>
          <a className={styles.download} href={asset.media.downloadUrl} download={asset.originalFilename}>
            <DownloadIcon size={16} /> Download
          </a>
        </div>
      </header>

      <section className={styles.player} aria-label="Player">
        <button
          type="button"
          className={styles.bigPlay}
          aria-label={playing ? `Pause ${title}` : `Play ${title}`}
          onClick={() => player.toggle(track)}
        >
          {playing ? <PauseIcon size={26} /> : <PlayIcon size={26} />}
        </button>
        <div className={styles.bigWave}>
          <Waveform
            assetId={asset.id}
            peaksUrl={asset.media.peaksUrl}
            durationS={asset.durationS}
            highlight={partOf(asset.durationS)}
            height={128}
            label={title}
            onSeek={(s) => {
              if (time < 0) player.play({ ...track, startS: s });
              else player.seek(s);
            }}
          />
          <div className={styles.clock}>
            <span>{formatClock(Math.max(time, 0))}</span>
            {partOf(asset.durationS) && highlight ? (
              <span className={styles.matchNote}>
                matching segment {formatClock(highlight.startS)}–{formatClock(highlight.endS)}
              </span>
            ) : null}
            <span>{formatClock(asset.durationS)}</span>
          </div>
        </div>
      </section>

      <div className={styles.columns}>
        <MetadataForm asset={asset} onSaved={patch} />
        <div className={styles.side}>
          <Suggestions asset={asset} onAccepted={(tags) => patch({ tags })} />
          <Card title="Details">
            <dl className={styles.details}>
              <dt>Duration</dt>
              <dd>{formatDuration(asset.durationS)}</dd>
              <dt>Format</dt>
              <dd>
                {asset.codec || asset.mime} · {asset.sampleRate ? `${(asset.sampleRate / 1000).toFixed(1)} kHz` : "–"} ·{" "}
                {asset.channels === 1 ? "mono" : asset.channels === 2 ? "stereo" : `${asset.channels} ch`}
              </dd>
              <dt>Size</dt>
              <dd>{formatBytes(asset.sizeBytes)}</dd>
              <dt>Uploaded</dt>
              <dd>{formatDate(asset.createdAt)}</dd>
              <dt>Indexed segments</dt>
              <dd>{asset.segmentCount}</dd>
              <dt>Collections</dt>
              <dd>
                {asset.collections.edges.length
                  ? asset.collections.edges.map(({ node }, i) => (
                      <span key={node.id}>
                        {i ? ", " : ""}
                        <Link href={`/collections/${node.id}`}>{node.name}</Link>
                      </span>
                    ))
                  : "none"}
              </dd>
            </dl>
          </Card>
        </div>
      </div>

      <SimilarSounds asset={asset} from={highlight?.startS ?? null} />
      <AddToCollection
        asset={asset}
        open={collectOpen}
        onClose={() => setCollectOpen(false)}
        onAdded={() => void q.refetch()}
      />
    </div>
  );
}
