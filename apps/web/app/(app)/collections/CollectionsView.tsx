"use client";

import Link from "next/link";
import { type FormEvent, useState } from "react";
import { PlusIcon } from "@/components/icons.tsx";
import { useCan } from "@/components/session.tsx";
import { Alert, Button, Dialog, EmptyState, PageHeader, Spinner, TextArea, TextField } from "@/components/ui.tsx";
import { formatDate, plural } from "@/lib/format.ts";
import { errorMessage, gql } from "@/lib/gql.ts";
import { COLLECTIONS, CREATE_COLLECTION } from "@/lib/queries.ts";
import type { CollectionSummary, Connection } from "@/lib/types.ts";
import { useQuery } from "@/lib/use-query.ts";
import styles from "./collections.module.css";

export function CollectionsView() {
  const canEdit = useCan("ARCHIVIST");
  const q = useQuery<{ collections: Connection<CollectionSummary> }>(COLLECTIONS, { first: 100 });
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function create(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const name = String(f.get("name") ?? "").trim();
    if (!name) return setError("Give the collection a name.");
    setBusy(true);
    setError(null);
    try {
      await gql(CREATE_COLLECTION, { input: { name, description: String(f.get("description") ?? "") } });
      setOpen(false);
      await q.refetch();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  const items = q.data?.collections.edges.map((e) => e.node) ?? [];
  return (
    <div>
      <PageHeader
        title="Collections"
        description="Hand-picked sets of sounds for a project, a programme or a client. Add sounds from any sound's page."
        actions={
          canEdit ? (
            <Button variant="primary" onClick={() => setOpen(true)}>
              <PlusIcon size={16} /> New collection
            </Button>
          ) : null
        }
      />
      {q.error ? <Alert>{errorMessage(q.error)}</Alert> : null}
      {q.loading && !q.data ? (
        <Spinner label="Loading collections" />
      ) : items.length === 0 && !q.error ? (
        <EmptyState title="No collections yet">
          <p>Create one here, then use “Add to collection” on a sound's page.</p>
        </EmptyState>
      ) : (
        <ul className={styles.grid} aria-label="Collections">
          {items.map((c) => (
            <li key={c.id} className={styles.card}>
              <Link href={`/collections/${c.id}`} className={styles.name}>
                {c.name}
              </Link>
              <p className={styles.description}>{c.description || "No description."}</p>
              <p className={styles.meta}>
                {plural(c.items.totalCount, "sound")} · updated {formatDate(c.updatedAt)}
              </p>
            </li>
          ))}
        </ul>
      )}
      <Dialog open={open} title="New collection" onClose={() => setOpen(false)}>
        <form className={styles.form} onSubmit={create}>
          {error ? <Alert>{error}</Alert> : null}
          <TextField label="Name" name="name" required maxLength={200} />
          <TextArea label="Description" name="description" rows={3} />
          <div className={styles.actions}>
            <Button type="submit" variant="primary" disabled={busy}>
              {busy ? "Creating…" : "Create"}
            </Button>
            <Button variant="ghost" onClick={() => setOpen(false)}>
              Cancel
            </Button>
          </div>
        </form>
      </Dialog>
    </div>
  );
}
