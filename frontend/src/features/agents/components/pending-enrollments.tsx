import { useState } from 'react';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/dialog';
import { Notice } from '@/components/ui/notice';
import { formatDateTime, formatRelative } from '@/lib/format';
import { useDecideEnrollment, useEnrollments, type AgentEnrollment, type Decision } from '../api/enrollments';
import { TableScroll } from '@/components/ui/table-scroll';

type Choice = { enrollment: AgentEnrollment; decision: Decision };

/**
 * Enrollments waiting for an admin (the organization requires approval):
 * the agent printed its key's fingerprint, so the admin compares it before
 * approving. Shown to admins only; nothing when none waits.
 */
export function PendingEnrollments() {
  const q = useEnrollments('pending');
  const decide = useDecideEnrollment();
  const [asked, setAsked] = useState<Choice | null>(null);
  const [done, setDone] = useState<Choice | null>(null);
  const items = q.data?.items ?? [];
  const outcome = done ? <DecisionNotice done={done} /> : null;
  if (q.isError) return <Notice tone="error" title="Could not load the enrollments waiting for approval.">{q.error.message}</Notice>;
  if (items.length === 0) return outcome;
  const close = () => {
    decide.reset();
    setAsked(null);
  };
  return (
    <>
      {outcome}
      <section className="card card-flush" aria-labelledby="pending-enrollments-h">
        <div className="card-pad">
          <h2 id="pending-enrollments-h" className="section-title">Enrollments waiting for approval</h2>
          <p className="muted">
            Compare each key fingerprint with the one <code>certinel-agent enroll</code> printed on the agent&apos;s machine
            before approving. Unapproved enrollments expire after 24 hours.
          </p>
        </div>
        <TableScroll>
          <table className="table">
            <caption className="sr-only">Enrollments waiting for approval</caption>
            <thead>
              <tr>
                <th scope="col">Agent</th>
                <th scope="col">Key fingerprint</th>
                <th scope="col">Requested</th>
                <th scope="col"><span className="sr-only">Actions</span></th>
              </tr>
            </thead>
            <tbody>
              {items.map((e) => (
                <tr key={e.id}>
                  <td><strong>{e.agent_name}</strong></td>
                  <td className="mono small break">{e.key_fingerprint}</td>
                  <td className="nowrap" title={formatDateTime(e.created_at)}>{formatRelative(e.created_at)}</td>
                  <td className="actions">
                    <Button size="sm" variant="primary" onClick={() => setAsked({ enrollment: e, decision: 'approve' })}
                      aria-label={`Approve the enrollment of ${e.agent_name}`}>Approve</Button>
                    <Button size="sm" variant="ghost" className="danger-text" onClick={() => setAsked({ enrollment: e, decision: 'reject' })}
                      aria-label={`Reject the enrollment of ${e.agent_name}`}>Reject</Button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      </section>
      {asked ? (
        <ConfirmDialog
          title={`${asked.decision === 'approve' ? 'Approve' : 'Reject'} the enrollment of “${asked.enrollment.agent_name}”?`}
          confirmLabel={asked.decision === 'approve' ? 'Approve enrollment' : 'Reject enrollment'}
          tone={asked.decision === 'approve' ? 'primary' : 'danger'}
          busy={decide.isPending}
          error={decide.error?.message}
          onCancel={close}
          onConfirm={() =>
            decide.mutate({ id: asked.enrollment.id, decision: asked.decision }, {
              onSuccess: (enrollment) => {
                setDone({ enrollment, decision: asked.decision });
                setAsked(null);
              },
            })
          }
        >
          <p>Key fingerprint:</p>
          <p className="mono small break">{asked.enrollment.key_fingerprint}</p>
          <p>
            {asked.decision === 'approve'
              ? 'The agent receives a client certificate for this key on its next poll and authenticates with it.'
              : 'The agent is refused; it needs a new join token to enroll again.'}
          </p>
        </ConfirmDialog>
      ) : null}
    </>
  );
}

function DecisionNotice({ done: { enrollment: e, decision } }: { done: Choice }) {
  if (decision === 'reject') return <Notice title={`Enrollment of “${e.agent_name}” rejected.`}>The agent was refused.</Notice>;
  return (
    <Notice tone="success" title={`Enrollment of “${e.agent_name}” approved.`}>
      Client certificate <span className="mono">{e.certificate_serial}</span> was issued; the agent picks it up on its next poll.
    </Notice>
  );
}
