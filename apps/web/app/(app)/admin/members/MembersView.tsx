"use client";

import { type FormEvent, useState } from "react";
import { useCan, useSession } from "@/components/session.tsx";
import { Alert, Button, Card, Dialog, PageHeader, SelectField, TextField } from "@/components/ui.tsx";
import { formatDate } from "@/lib/format.ts";
import { errorMessage, gql } from "@/lib/gql.ts";
import { INVITE_MEMBER, MEMBERS, REMOVE_MEMBER, REVOKE_INVITATION, SET_MEMBER_ROLE } from "@/lib/queries.ts";
import type { Connection, Invitation, Member, Role } from "@/lib/types.ts";
import { useQuery } from "@/lib/use-query.ts";
import { AdminTable } from "../AdminTable.tsx";
import styles from "../admin.module.css";
import { CopySecret } from "../CopySecret.tsx";

const ROLES: Array<{ value: Role; label: string }> = [
  { value: "VIEWER", label: "Viewer: search and listen" },
  { value: "ARCHIVIST", label: "Archivist: + edit, collections, upload" },
  { value: "ADMIN", label: "Admin: + keys, members, re-index" },
];

export function MembersView() {
  const me = useSession();
  const isAdmin = useCan("ADMIN");
  const q = useQuery<{ tenant: { members: Connection<Member>; invitations: Connection<Invitation> } }>(
    MEMBERS,
    {},
    !isAdmin,
  );
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [invited, setInvited] = useState<{ link: string; invitation: Invitation } | null>(null);

  async function invite(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const f = new FormData(form);
    const email = String(f.get("email") ?? "").trim();
    const name = String(f.get("name") ?? "").trim();
    if (!email.includes("@")) return setError("Enter the person's email address.");
    setBusy(true);
    setError(null);
    try {
      const res = await gql<{ inviteMember: { link: string; invitation: Invitation } }>(INVITE_MEMBER, {
        input: { email, role: String(f.get("role")), ...(name ? { name } : {}) },
      });
      setInvited(res.inviteMember);
      form.reset();
      await q.refetch();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  async function setRole(m: Member, role: Role) {
    setError(null);
    try {
      await gql(SET_MEMBER_ROLE, { userId: m.user.id, role });
      await q.refetch();
    } catch (err) {
      setError(errorMessage(err));
      await q.refetch();
    }
  }

  async function remove(m: Member) {
    if (!window.confirm(`Remove ${m.user.name || m.user.email} from ${me.tenant.name}?`)) return;
    setError(null);
    try {
      await gql(REMOVE_MEMBER, { userId: m.user.id });
      await q.refetch();
    } catch (err) {
      setError(errorMessage(err));
    }
  }

  async function revoke(i: Invitation) {
    if (!window.confirm(`Revoke the invitation for ${i.email}? Its link stops working immediately.`)) return;
    setError(null);
    try {
      await gql(REVOKE_INVITATION, { id: i.id });
      await q.refetch();
    } catch (err) {
      setError(errorMessage(err));
    }
  }

  if (!isAdmin) return <Alert>Members are managed by the archive's admins.</Alert>;
  const members = q.data?.tenant.members.edges.map((e) => e.node) ?? [];
  const invitations = q.data?.tenant.invitations.edges.map((e) => e.node) ?? [];
  return (
    <div className={styles.stack}>
      <PageHeader title="Members" description={`People who can use ${me.tenant.name}, and what they may do.`} />
      {error ? <Alert>{error}</Alert> : null}
      <Card title="Invite someone">
        <form className={styles.row} onSubmit={invite} aria-label="Invite member">
          <TextField label="Email" name="email" type="email" className={styles.grow} autoComplete="off" />
          <TextField label="Name (suggested)" name="name" className={styles.grow} autoComplete="off" />
          <SelectField label="Role" name="role" defaultValue="ARCHIVIST">
            {ROLES.map((r) => (
              <option key={r.value} value={r.value}>
                {r.label}
              </option>
            ))}
          </SelectField>
          <Button type="submit" variant="primary" disabled={busy}>
            {busy ? "Inviting…" : "Invite"}
          </Button>
        </form>
      </Card>
      {invitations.length > 0 ? (
        <Card title="Pending invitations">
          <AdminTable label="Pending invitations" columns={["Email", "Role", "Invited", "Link expires"]}>
            {invitations.map((i) => (
              <tr key={i.id}>
                <td>{i.email}</td>
                <td>{i.role.toLowerCase()}</td>
                <td>{formatDate(i.createdAt)}</td>
                <td>{formatDate(i.expiresAt)}</td>
                <td>
                  <Button variant="danger" size="sm" onClick={() => revoke(i)} aria-label={`Revoke ${i.email}`}>
                    Revoke
                  </Button>
                </td>
              </tr>
            ))}
          </AdminTable>
        </Card>
      ) : null}
      <Card title="Members">
        {members.length === 0 ? (
          <p className={styles.muted}>{q.loading ? "Loading…" : "No members."}</p>
        ) : (
          <AdminTable label="Members" columns={["Name", "Email", "Role", "Member since"]}>
            {members.map((m) => (
              <tr key={m.user.id}>
                <td>
                  {m.user.name}
                  {m.user.id === me.user?.id ? <span className={styles.muted}> (you)</span> : null}
                </td>
                <td>{m.user.email}</td>
                <td>
                  <label className="visually-hidden" htmlFor={`role-${m.user.id}`}>
                    Role of {m.user.email}
                  </label>
                  <select
                    id={`role-${m.user.id}`}
                    className={styles.select}
                    value={m.role}
                    onChange={(e) => setRole(m, e.target.value as Role)}
                  >
                    {ROLES.map((r) => (
                      <option key={r.value} value={r.value}>
                        {r.value.toLowerCase()}
                      </option>
                    ))}
                  </select>
                </td>
                <td>{formatDate(m.createdAt)}</td>
                <td>
                  <Button variant="danger" size="sm" onClick={() => remove(m)} aria-label={`Remove ${m.user.email}`}>
                    Remove
                  </Button>
                </td>
              </tr>
            ))}
          </AdminTable>
        )}
      </Card>
      <Dialog
        open={invited !== null}
        title="Invitation link"
        onClose={() => setInvited(null)}
        footer={
          <Button variant="primary" onClick={() => setInvited(null)}>
            Done
          </Button>
        }
      >
        <p>
          Earshot sends no email: give this link to {invited?.invitation.email} yourself. They open it to join as{" "}
          {invited?.invitation.role.toLowerCase()}, choosing their own password (or confirming the one they have). It
          works once, until {invited ? formatDate(invited.invitation.expiresAt) : ""}, and is not shown again.
        </p>
        <CopySecret value={invited?.link ?? ""} testId="invitation-link" />
      </Dialog>
    </div>
  );
}
