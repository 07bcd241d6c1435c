import { useId, useState, type FormEvent } from 'react';
import { Button } from '@/components/ui/button';
import { Notice } from '@/components/ui/notice';
import { importRowErrors, useImportDomains, type RowError } from '../api/import-domains';
import { TableScroll } from '@/components/ui/table-scroll';

const SAMPLE = 'host,port,protocol,sni,agent,tags\nshop.example.com,443,tls,,,prod;web\nmail.internal,25,smtp,,office-lan,mail\n';

export function ImportRowErrors({ rows }: { rows: RowError[] }) {
  return (
    <TableScroll>
      <table className="table table-compact" aria-label="Rows with errors">
        <thead>
          <tr><th scope="col" className="num">Row</th><th scope="col">Column</th><th scope="col">Problem</th></tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <tr key={`${r.row}-${r.field}-${i}`} className="row-bad">
              <td className="num">{r.row}</td>
              <td className="mono">{r.field}</td>
              <td>{r.message}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}

export function ImportForm({ onClose }: { onClose?: () => void }) {
  const id = useId();
  const imp = useImportDomains();
  const [file, setFile] = useState<File | null>(null);
  const [text, setText] = useState('');
  const [missing, setMissing] = useState(false);

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const body = file ?? (text.trim() ? text : null);
    setMissing(!body);
    if (body) imp.mutate(body);
  };
  const rows = importRowErrors(imp.error);

  return (
    <form onSubmit={onSubmit} noValidate className="form" aria-label="Import domains from CSV">
      <p className="muted small">
        Columns: <code>host,port,protocol,sni,agent,tags</code> (host required; agent by name or ID; tags separated by{' '}
        <code>;</code>). Every row is checked first: nothing is imported unless all rows are valid, and endpoints you already
        monitor are skipped.
      </p>
      <div className="form-grid">
        <div className="field">
          <label htmlFor={`${id}-file`}>CSV file</label>
          <input id={`${id}-file`} type="file" accept=".csv,text/csv" className="file-input"
            onChange={(e) => { setFile(e.target.files?.[0] ?? null); imp.reset(); }} />
        </div>
        <div className="field span-2">
          <label htmlFor={`${id}-text`}>…or paste CSV</label>
          <textarea id={`${id}-text`} className="input textarea mono" rows={5} placeholder={SAMPLE} value={text}
            onChange={(e) => { setText(e.target.value); imp.reset(); }} disabled={Boolean(file)}
            aria-invalid={missing || undefined} aria-describedby={missing ? `${id}-missing` : undefined} spellCheck={false} />
          {missing ? <p className="field-error" id={`${id}-missing`} role="alert">Choose a file or paste CSV rows.</p> : null}
        </div>
      </div>
      {imp.isSuccess ? (
        <Notice tone="success" title="Import finished.">
          {imp.data.created} domain{imp.data.created === 1 ? '' : 's'} added, {imp.data.skipped} already monitored and skipped.
        </Notice>
      ) : null}
      {imp.isError ? (
        <Notice tone="error" title={rows.length ? `Nothing was imported: ${rows.length} problem${rows.length === 1 ? '' : 's'} in the file.` : 'Import failed.'}>
          {rows.length ? 'Fix these rows and import again.' : imp.error.message}
        </Notice>
      ) : null}
      {rows.length ? <ImportRowErrors rows={rows} /> : null}
      <div className="form-actions">
        {onClose ? <Button onClick={onClose}>Close</Button> : null}
        <Button type="submit" variant="primary" loading={imp.isPending}>Import</Button>
      </div>
    </form>
  );
}
