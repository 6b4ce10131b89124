"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { type FormEvent, useState } from "react";
import { CloseIcon, PlayIcon } from "@/components/icons.tsx";
import { ResultList } from "@/components/ResultList.tsx";
import { trackOf } from "@/components/ResultRow.tsx";
import { useCan } from "@/components/session.tsx";
import {
  Alert,
  Button,
  Dialog,
  EmptyState,
  IconButton,
  PageHeader,
  Spinner,
  TextArea,
  TextField,
} from "@/components/ui.tsx";
import { plural } from "@/lib/format.ts";
import { errorMessage, gql } from "@/lib/gql.ts";
import { player } from "@/lib/player.ts";
import { COLLECTION, DELETE_COLLECTION, REMOVE_FROM_COLLECTION, UPDATE_COLLECTION } from "@/lib/queries.ts";
import type { AudioSummary, Connection } from "@/lib/types.ts";
import { useQuery } from "@/lib/use-query.ts";
import styles from "../collections.module.css";

interface CollectionData {
  id: string;
  name: string;
  description: string;
  items: Connection<AudioSummary>;
}

export function CollectionView({ id }: { id: string }) {
  const router = useRouter();
  const canEdit = useCan("ARCHIVIST");
  const q = useQuery<{ collection: CollectionData | null }>(COLLECTION, { id, first: 100 });
  const [editing, setEditing] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const c = q.data?.collection;
  const items = c?.items.edges.map((e) => e.node) ?? [];

  function playFrom(index: number) {
    const asset = items[index];
    if (!asset) return;
    player.play(trackOf(asset), { onEnded: () => playFrom(index + 1) });
  }

  async function remove(assetId: string) {
    setError(null);
    try {
      await gql(REMOVE_FROM_COLLECTION, { collectionId: id, assetIds: [assetId] });
      await q.refetch();
    } catch (err) {
      setError(errorMessage(err));
    }
  }

  async function save(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    setError(null);
    try {
      await gql(UPDATE_COLLECTION, {
        id,
        input: { name: String(f.get("name") ?? "").trim(), description: String(f.get("description") ?? "") },
      });
      setEditing(false);
      await q.refetch();
    } catch (err) {
      setError(errorMessage(err));
    }
  }

  async function destroy() {
    if (!window.confirm(`Delete the collection “${c?.name}”? The sounds themselves stay in the archive.`)) return;
    try {
      await gql(DELETE_COLLECTION, { id });
      router.push("/collections");
    } catch (err) {
      setError(errorMessage(err));
    }
  }

  if (q.loading && !q.data) return <Spinner label="Loading collection" />;
  if (q.error && !c) return <Alert>{errorMessage(q.error)}</Alert>;
  if (!c)
    return (
      <EmptyState title="Collection not found" action={<Link href="/collections">All collections</Link>}>
        <p>It may have been deleted.</p>
      </EmptyState>
    );

  return (
    <div className={styles.head}>
      <nav aria-label="Breadcrumb" className={styles.meta}>
        <Link href="/collections">Collections</Link> / {c.name}
      </nav>
      <PageHeader
        title={c.name}
        description={
          <>
            {c.description ? `${c.description} · ` : ""}
            {plural(c.items.totalCount ?? items.length, "sound")}
          </>
        }
        actions={
          <>
            <Button variant="primary" disabled={!items.length} onClick={() => playFrom(0)}>
              <PlayIcon size={16} /> Play all
            </Button>
            {canEdit ? <Button onClick={() => setEditing(true)}>Edit</Button> : null}
            {canEdit ? (
              <Button variant="danger" onClick={destroy}>
                Delete
              </Button>
            ) : null}
          </>
        }
      />
      {error ? <Alert>{error}</Alert> : null}
      {items.length === 0 ? (
        <EmptyState title="This collection is empty">
          <p>
            Open a sound from <Link href="/">search</Link> and choose “Add to collection”.
          </p>
        </EmptyState>
      ) : (
        <ResultList
          label={`Sounds in ${c.name}`}
          keyboard
          playThrough
          loading={q.loading}
          items={items.map((asset) => ({
            asset,
            actions: canEdit ? (
              <IconButton
                label={`Remove ${asset.title || asset.originalFilename} from this collection`}
                onClick={() => remove(asset.id)}
              >
                <CloseIcon size={16} />
              </IconButton>
            ) : undefined,
          }))}
        />
      )}
      <Dialog open={editing} title="Edit collection" onClose={() => setEditing(false)}>
        <form className={styles.form} onSubmit={save}>
          <TextField label="Name" name="name" defaultValue={c.name} required maxLength={200} />
          <TextArea label="Description" name="description" defaultValue={c.description} rows={3} />
          <div className={styles.actions}>
            <Button type="submit" variant="primary">
              Save
            </Button>
            <Button variant="ghost" onClick={() => setEditing(false)}>
              Cancel
            </Button>
          </div>
        </form>
      </Dialog>
    </div>
  );
}
