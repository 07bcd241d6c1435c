import { useState } from 'react';
import { DaysLeftBadge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/dialog';
import { EmptyState } from '@/components/ui/empty-state';
import { Notice } from '@/components/ui/notice';
import { Spinner } from '@/components/ui/spinner';
import { downloadText } from '@/lib/download';
import { commonName, formatDate, shortHash } from '@/lib/format';
import { PermittedButton } from '@/components/ui/permitted-button';
import { getCABundle, useCABundles, useDeleteCABundle, type CABundle } from '../api/ca-bundles';
import { CABundleForm } from './ca-bundle-form';
import { TableScroll } from '@/components/ui/table-scroll';

const daysUntil = (iso: string) => Math.floor((new Date(iso).getTime() - Date.now()) / 86_400_000);

export function CABundlesList({ canWrite = true }: { canWrite?: boolean }) {
  const q = useCABundles();
  const [adding, setAdding] = useState(false);
  const [deleting, setDeleting] = useState<CABundle | null>(null);
  const [downloadError, setDownloadError] = useState<string | null>(null);
  const del = useDeleteCABundle();

  const download = async (b: CABundle) => {
    setDownloadError(null);
    try {
      const full = await getCABundle(b.id);
      downloadText(`${b.name.replace(/[^\w.-]+/g, '_')}.pem`, full.pem ?? '', 'application/x-pem-file');
    } catch (e) {
      setDownloadError(e instanceof Error ? e.message : String(e));
    }
  };

  return (
    <div className="stack">
      {canWrite && adding ? (
        <section className="card" aria-labelledby="add-bundle-h">
          <h2 id="add-bundle-h" className="section-title">Add a CA bundle</h2>
          <CABundleForm onDone={() => setAdding(false)} />
        </section>
      ) : (
        <div><PermittedButton need="admin" doing="add CA bundles" variant="primary" onClick={() => setAdding(true)}>Add CA bundle</PermittedButton></div>
      )}
      {downloadError ? <Notice tone="error" title="Download failed.">{downloadError}</Notice> : null}
      {q.isPending ? (
        <Spinner label="Loading CA bundles" />
      ) : q.isError ? (
        <Notice tone="error" title="Could not load CA bundles.">{q.error.message}</Notice>
      ) : q.data.items.length === 0 ? (
        adding ? null : (
          <div className="card">
            <EmptyState title="No CA bundles" action={canWrite ? <Button variant="primary" onClick={() => setAdding(true)}>Add your private CA</Button> : null}>
              Endpoints inside your networks often use certificates from your own CA. Add its root (and intermediates)
              here so Certinel trusts them and judges only expiry, host names and strength.
            </EmptyState>
          </div>
        )
      ) : (
        q.data.items.map((b) => (
          <section key={b.id} className="card card-flush" aria-label={`CA bundle ${b.name}`}>
            <div className="card-head card-pad">
              <div>
                <h2 className="section-title">{b.name}</h2>
                <p className="muted small">
                  {b.certificates} certificate{b.certificates === 1 ? '' : 's'} · added {formatDate(b.created_at)}
                </p>
              </div>
              <div className="button-row">
                <Button size="sm" onClick={() => download(b)} aria-label={`Download ${b.name} as PEM`}>Download PEM</Button>
                {canWrite ? <Button size="sm" variant="ghost" onClick={() => setDeleting(b)} aria-label={`Delete ${b.name}`}>Delete</Button> : null}
              </div>
            </div>
            <TableScroll>
              <table className="table">
                <thead>
                  <tr><th scope="col">Subject</th><th scope="col">Expires</th><th scope="col">Days left</th><th scope="col">SHA-256</th></tr>
                </thead>
                <tbody>
                  {b.subjects.map((s) => (
                    <tr key={s.sha256}>
                      <td title={s.subject}>{commonName(s.subject)}</td>
                      <td className="nowrap">{formatDate(s.not_after)}</td>
                      <td><DaysLeftBadge days={daysUntil(s.not_after)} /></td>
                      <td className="mono" title={s.sha256}>{shortHash(s.sha256, 16)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableScroll>
          </section>
        ))
      )}
      {deleting ? (
        <ConfirmDialog
          title={`Delete the bundle ${deleting.name}?`}
          confirmLabel="Delete bundle"
          busy={del.isPending}
          error={del.error?.message}
          onCancel={() => setDeleting(null)}
          onConfirm={() => del.mutate(deleting.id, { onSuccess: () => setDeleting(null) })}
        >
          Chains issued by these CAs are no longer trusted from the next check on.
        </ConfirmDialog>
      ) : null}
    </div>
  );
}
