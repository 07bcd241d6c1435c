import { useState } from 'react';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/dialog';
import { Notice } from '@/components/ui/notice';
import { Spinner } from '@/components/ui/spinner';
import { formatDate, shortHash } from '@/lib/format';
import { PermittedButton } from '@/components/ui/permitted-button';
import { useACMEDirectories, useDeleteACMEDirectory, type ACMEDirectory } from '../api/acme-directories';
import { ACMEDirectoryForm } from './acme-directory-form';
import { TableScroll } from '@/components/ui/table-scroll';

/** The ACME directories of the organization's internal CAs, asked for renewal windows. */
export function ACMEDirectoriesList({ canWrite = true }: { canWrite?: boolean }) {
  const q = useACMEDirectories();
  const [adding, setAdding] = useState(false);
  const [deleting, setDeleting] = useState<ACMEDirectory | null>(null);
  const del = useDeleteACMEDirectory();

  return (
    <section className="card stack" aria-labelledby="acme-h">
      <div className="card-head">
        <div>
          <h2 id="acme-h" className="section-title">ACME renewal information</h2>
          <p className="muted small">
            Certificates from Let's Encrypt and Google Trust Services get their CA's suggested renewal window
            automatically. If your internal CA speaks ACME with renewal information (RFC 9773), add its directory here.
          </p>
        </div>
        {adding ? null : <PermittedButton need="admin" doing="add ACME directories" onClick={() => setAdding(true)}>Add ACME directory</PermittedButton>}
      </div>
      {adding ? <ACMEDirectoryForm onDone={() => setAdding(false)} /> : null}
      {q.isPending ? (
        <Spinner label="Loading ACME directories" />
      ) : q.isError ? (
        <Notice tone="error" title="Could not load ACME directories.">{q.error.message}</Notice>
      ) : q.data.items.length === 0 ? (
        <p className="muted">No internal ACME CA added.</p>
      ) : (
        <TableScroll>
          <table className="table">
            <thead>
              <tr>
                <th scope="col">CA</th>
                <th scope="col">Directory</th>
                <th scope="col">Issuing certificate</th>
                <th scope="col">Added</th>
                {canWrite ? <th scope="col"><span className="sr-only">Actions</span></th> : null}
              </tr>
            </thead>
            <tbody>
              {q.data.items.map((d) => (
                <tr key={d.id}>
                  <td>{d.name}</td>
                  <td className="mono">{d.directory_url}</td>
                  <td className="mono" title={d.issuer_sha256}>{shortHash(d.issuer_sha256, 16)}</td>
                  <td className="nowrap">{formatDate(d.created_at)}</td>
                  {canWrite ? (
                    <td>
                      <Button size="sm" variant="ghost" onClick={() => setDeleting(d)} aria-label={`Remove ${d.name}`}>Remove</Button>
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
      {deleting ? (
        <ConfirmDialog
          title={`Remove the ACME directory of ${deleting.name}?`}
          confirmLabel="Remove directory"
          busy={del.isPending}
          error={del.error?.message}
          onCancel={() => setDeleting(null)}
          onConfirm={() => del.mutate(deleting.id, { onSuccess: () => setDeleting(null) })}
        >
          Its certificates go back to Certinel's own renewal estimate.
        </ConfirmDialog>
      ) : null}
    </section>
  );
}
