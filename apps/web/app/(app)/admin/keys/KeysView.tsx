"use client";

import { type FormEvent, useState } from "react";
import { useCan } from "@/components/session.tsx";
import { Alert, Button, Card, Dialog, PageHeader, Tag, TextField } from "@/components/ui.tsx";
import { formatDate } from "@/lib/format.ts";
import { errorMessage, gql } from "@/lib/gql.ts";
import { API_KEYS, CREATE_API_KEY, REVOKE_API_KEY } from "@/lib/queries.ts";
import type { ApiKey, ApiKeyScope, Connection } from "@/lib/types.ts";
import { useQuery } from "@/lib/use-query.ts";
import { AdminTable } from "../AdminTable.tsx";
import styles from "../admin.module.css";
import { CopySecret } from "../CopySecret.tsx";

const SCOPES: Array<{ value: ApiKeyScope; label: string; hint: string }> = [
  { value: "SEARCH", label: "Search", hint: "read and search" },
  { value: "INGEST", label: "Ingest", hint: "upload, edit metadata, collections" },
  { value: "ADMIN", label: "Admin", hint: "everything" },
];

export function KeysView() {
  const isAdmin = useCan("ADMIN");
  const q = useQuery<{ tenant: { apiKeys: Connection<ApiKey> } }>(API_KEYS, {}, !isAdmin);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState<{ name: string; secret: string } | null>(null);

  async function create(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const f = new FormData(form);
    const name = String(f.get("name") ?? "").trim();
    const scopes = f.getAll("scope").map(String);
    if (!name) return setError("Give the key a name that says who uses it, e.g. “Partner site search”.");
    if (!scopes.length) return setError("Choose at least one scope.");
    setBusy(true);
    setError(null);
    try {
      const res = await gql<{ createApiKey: { secret: string; apiKey: ApiKey } }>(CREATE_API_KEY, {
        input: { name, scopes },
      });
      setCreated({ name, secret: res.createApiKey.secret });
      form.reset();
      await q.refetch();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  async function revoke(key: ApiKey) {
    if (!window.confirm(`Revoke “${key.name}” (${key.prefix})? Programs using it stop working immediately.`)) return;
    setError(null);
    try {
      await gql(REVOKE_API_KEY, { id: key.id });
      await q.refetch();
    } catch (err) {
      setError(errorMessage(err));
    }
  }

  if (!isAdmin) return <Alert>API keys are managed by the archive's admins.</Alert>;
  const keys = q.data?.tenant.apiKeys.edges.map((e) => e.node) ?? [];
  return (
    <div className={styles.stack}>
      <PageHeader
        title="API keys"
        description={
          <>
            Keys let partner systems call the GraphQL API with <code>Authorization: Bearer &lt;key&gt;</code>. The full
            key is shown once, when it is created.
          </>
        }
      />
      {error ? <Alert>{error}</Alert> : null}
      <Card title="Create a key">
        <form className={styles.form} onSubmit={create} aria-label="Create API key">
          <div className={styles.row}>
            <TextField
              label="Name"
              name="name"
              maxLength={100}
              className={styles.grow}
              placeholder="e.g. Partner site search"
            />
            <fieldset className={styles.checks}>
              <legend>Scopes</legend>
              {SCOPES.map((s) => (
                <label key={s.value} className={styles.check} title={s.hint}>
                  <input type="checkbox" name="scope" value={s.value} defaultChecked={s.value === "SEARCH"} />
                  {s.label}
                </label>
              ))}
            </fieldset>
            <Button type="submit" variant="primary" disabled={busy}>
              {busy ? "Creating…" : "Create key"}
            </Button>
          </div>
        </form>
      </Card>
      <Card title="Keys">
        {keys.length === 0 ? (
          <p className={styles.muted}>{q.loading ? "Loading…" : "No keys yet."}</p>
        ) : (
          <AdminTable label="API keys" columns={["Name", "Key", "Scopes", "Created", "Last used", "Status"]}>
            {keys.map((k) => (
              <tr key={k.id}>
                <td>{k.name}</td>
                <td className={styles.mono}>esk_{k.prefix}_…</td>
                <td>{k.scopes.map((s) => s.toLowerCase()).join(", ")}</td>
                <td>{formatDate(k.createdAt)}</td>
                <td>{k.lastUsedAt ? formatDate(k.lastUsedAt) : <span className={styles.muted}>never</span>}</td>
                <td>{k.revokedAt ? <Tag tone="danger">revoked</Tag> : <Tag tone="ok">active</Tag>}</td>
                <td>
                  {k.revokedAt ? null : (
                    <Button variant="danger" size="sm" onClick={() => revoke(k)} aria-label={`Revoke ${k.name}`}>
                      Revoke
                    </Button>
                  )}
                </td>
              </tr>
            ))}
          </AdminTable>
        )}
      </Card>
      <Dialog
        open={created !== null}
        title="Copy your new key"
        onClose={() => setCreated(null)}
        footer={
          <Button variant="primary" onClick={() => setCreated(null)}>
            I have stored it
          </Button>
        }
      >
        <p>
          This is the only time the key “{created?.name}” is shown. Store it in your password manager or secret store
          now.
        </p>
        <CopySecret value={created?.secret ?? ""} testId="api-key-secret" />
      </Dialog>
    </div>
  );
}
