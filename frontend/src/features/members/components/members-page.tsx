import { useState, type FormEvent } from 'react';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/dialog';
import { SelectField, TextField } from '@/components/ui/field';
import { Notice } from '@/components/ui/notice';
import { OnceNotice, SecretValue } from '@/components/ui/secret';
import { Spinner } from '@/components/ui/spinner';
import { isApiError } from '@/lib/api-client';
import { formatDate, formatRelative } from '@/lib/format';
import { ROLES, useInvitations, useInvite, useMembers, useRemoveMember, useRevokeInvitation, useSetRole, type Invitation, type Member } from '../api/members';
import { TableScroll } from '@/components/ui/table-scroll';

const roleLabel = (r: string) => ROLES.find((x) => x.value === r)?.label ?? r;

export function MembersPage({ isOwner, selfId }: { isOwner: boolean; selfId: string }) {
  return (
    <>
      <MembersList isOwner={isOwner} selfId={selfId} />
      {isOwner ? <Invitations /> : null}
    </>
  );
}

function MembersList({ isOwner, selfId }: { isOwner: boolean; selfId: string }) {
  const q = useMembers();
  const setRole = useSetRole();
  const remove = useRemoveMember();
  const [removing, setRemoving] = useState<Member | null>(null);
  return (
    <section className="card card-flush" aria-labelledby="members-h">
      <h2 id="members-h" className="section-title card-pad">Members</h2>
      {q.isPending ? (
        <Spinner label="Loading members" />
      ) : q.isError ? (
        <Notice tone="error" title="Could not load members.">{q.error.message}</Notice>
      ) : (
        <>
          {setRole.isError ? <Notice tone="error" title="The role was not changed.">{setRole.error.message}</Notice> : null}
          <TableScroll>
            <table className="table">
              <thead>
                <tr><th scope="col">Email</th><th scope="col">Role</th><th scope="col">Joined</th>{isOwner ? <th scope="col"><span className="sr-only">Actions</span></th> : null}</tr>
              </thead>
              <tbody>
                {q.data.items.map((m) => (
                  <tr key={m.user_id}>
                    <td>{m.email} {m.user_id === selfId ? <span className="muted small">(you)</span> : null}</td>
                    <td>
                      {isOwner ? (
                        <>
                          <label htmlFor={`role-${m.user_id}`} className="sr-only">Role of {m.email}</label>
                          <select id={`role-${m.user_id}`} className="input select input-compact" value={m.role} disabled={setRole.isPending}
                            onChange={(e) => setRole.mutate({ userId: m.user_id, role: e.target.value })}>
                            {ROLES.map((r) => <option key={r.value} value={r.value}>{r.label}</option>)}
                          </select>
                        </>
                      ) : (
                        <Badge tone={m.role === 'owner' ? 'info' : 'neutral'}>{roleLabel(m.role)}</Badge>
                      )}
                    </td>
                    <td className="nowrap">{formatDate(m.joined_at)}</td>
                    {isOwner ? (
                      <td className="num">
                        {m.user_id !== selfId ? (
                          <Button size="sm" variant="ghost" onClick={() => setRemoving(m)} aria-label={`Remove ${m.email}`}>Remove</Button>
                        ) : null}
                      </td>
                    ) : null}
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
          <p className="muted small card-pad">
            {ROLES.map((r) => `${r.label}: ${r.hint}`).join(' · ')}.
          </p>
        </>
      )}
      {removing ? (
        <ConfirmDialog title={`Remove ${removing.email}?`} confirmLabel="Remove member" busy={remove.isPending} error={remove.error?.message}
          onCancel={() => setRemoving(null)} onConfirm={() => remove.mutate(removing.user_id, { onSuccess: () => setRemoving(null) })}>
          They lose access to this organization at once. Their API tokens stop working.
        </ConfirmDialog>
      ) : null}
    </section>
  );
}

function Invitations() {
  const q = useInvitations(true);
  const invite = useInvite();
  const revoke = useRevokeInvitation();
  const [email, setEmail] = useState('');
  const [role, setRole] = useState('member');
  const [errors, setErrors] = useState<{ email?: string; role?: string; root?: string }>({});
  const [created, setCreated] = useState<Invitation | null>(null);

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email.trim())) {
      setErrors({ email: 'Enter an email address' });
      return;
    }
    setErrors({});
    try {
      setCreated(await invite.mutateAsync({ email: email.trim(), role }));
      setEmail('');
    } catch (err) {
      const next: typeof errors = {};
      if (isApiError(err)) for (const fe of err.fieldErrors()) if (fe.field === 'email' || fe.field === 'role') next[fe.field] ??= fe.message.charAt(0).toUpperCase() + fe.message.slice(1);
      if (!next.email && !next.role) next.root = err instanceof Error ? err.message : String(err);
      setErrors(next);
    }
  };

  return (
    <section className="card stack" aria-labelledby="inv-h">
      <h2 id="inv-h" className="section-title">Invite someone</h2>
      <form className="inline-form" onSubmit={onSubmit} noValidate aria-label="Invite a member">
        <TextField label="Email" type="email" value={email} onChange={(e) => setEmail(e.target.value)} error={errors.email} autoComplete="off" className="grow" />
        <SelectField label="Role" value={role} onChange={(e) => setRole(e.target.value)} error={errors.role}>
          {ROLES.map((r) => <option key={r.value} value={r.value}>{r.label}</option>)}
        </SelectField>
        <Button type="submit" variant="primary" loading={invite.isPending}>Send invitation</Button>
      </form>
      {errors.root ? <Notice tone="error">{errors.root}</Notice> : null}
      {created?.accept_url ? (
        <div className="setup-panel" data-testid="invitation-created">
          <p>
            {created.emailed ? `An email with this link went to ${created.email}.` : `The email to ${created.email} could not be sent${created.email_error ? ` (${created.email_error})` : ''}: share this link yourself.`}
          </p>
          <SecretValue label="Invitation link" value={created.accept_url} copyLabel="Copy link" />
          <OnceNotice>The link works once, for 7 days.</OnceNotice>
          <Button size="sm" onClick={() => setCreated(null)}>Done</Button>
        </div>
      ) : null}
      {q.isPending ? (
        <Spinner label="Loading invitations" />
      ) : q.isError ? (
        <Notice tone="error" title="Could not load invitations.">{q.error.message}</Notice>
      ) : q.data.items.length === 0 ? (
        <p className="muted small">No pending invitations.</p>
      ) : (
        <TableScroll>
          <table className="table table-compact">
            <caption className="sr-only">Pending invitations</caption>
            <thead><tr><th scope="col">Email</th><th scope="col">Role</th><th scope="col">Expires</th><th scope="col"><span className="sr-only">Actions</span></th></tr></thead>
            <tbody>
              {q.data.items.map((i) => (
                <tr key={i.id}>
                  <td>{i.email}</td>
                  <td>{roleLabel(i.role)}</td>
                  <td className="nowrap">{formatRelative(i.expires_at)}</td>
                  <td className="num"><Button size="sm" variant="ghost" onClick={() => revoke.mutate(i.id)} aria-label={`Revoke the invitation of ${i.email}`}>Revoke</Button></td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
    </section>
  );
}
