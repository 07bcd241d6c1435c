import { useId, useState, type ChangeEvent, type FormEvent } from 'react';
import { Button } from '@/components/ui/button';
import { TextField } from '@/components/ui/field';
import { Notice } from '@/components/ui/notice';
import { isApiError } from '@/lib/api-client';
import { useCreateCABundle } from '../api/ca-bundles';

type Errors = { name?: string; pem?: string; root?: string };
const MAX_FILE = 1 << 20;

export function CABundleForm({ onDone }: { onDone?: () => void }) {
  const id = useId();
  const create = useCreateCABundle();
  const [name, setName] = useState('');
  const [pem, setPem] = useState('');
  const [errors, setErrors] = useState<Errors>({});

  const onFile = async (e: ChangeEvent<HTMLInputElement>) => {
    const f = e.target.files?.[0];
    if (!f) return;
    if (f.size > MAX_FILE) {
      setErrors((x) => ({ ...x, pem: 'The file is larger than 1 MB; a CA bundle is a few kilobytes.' }));
      return;
    }
    const text = await f.text();
    setPem(text);
    if (!name.trim()) setName(f.name.replace(/\.(pem|crt|cer)$/i, ''));
    setErrors((x) => ({ ...x, pem: undefined }));
  };

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    const found: Errors = {};
    if (!name.trim()) found.name = 'Give the bundle a name';
    if (!pem.includes('-----BEGIN CERTIFICATE-----')) found.pem = 'Paste or upload PEM certificates (-----BEGIN CERTIFICATE-----)';
    setErrors(found);
    if (Object.keys(found).length) return;
    try {
      await create.mutateAsync({ name: name.trim(), pem });
      setName('');
      setPem('');
      onDone?.();
    } catch (err) {
      const next: Errors = {};
      if (isApiError(err)) {
        for (const fe of err.fieldErrors()) {
          if (fe.field === 'name' || fe.field === 'pem') next[fe.field] ??= fe.message.charAt(0).toUpperCase() + fe.message.slice(1);
        }
      }
      if (!next.name && !next.pem) next.root = err instanceof Error ? err.message : String(err);
      setErrors(next);
    }
  };

  return (
    <form onSubmit={onSubmit} noValidate className="form" aria-label="Add a CA bundle">
      <TextField label="Bundle name" placeholder="Corporate root CA" value={name} onChange={(e) => setName(e.target.value)} error={errors.name} autoComplete="off" />
      <div className="field">
        <label htmlFor={`${id}-pem`}>Certificates (PEM)</label>
        <textarea
          id={`${id}-pem`}
          className="input textarea mono"
          rows={8}
          placeholder={'-----BEGIN CERTIFICATE-----\n…\n-----END CERTIFICATE-----'}
          value={pem}
          onChange={(e) => setPem(e.target.value)}
          aria-invalid={errors.pem ? true : undefined}
          aria-describedby={errors.pem ? `${id}-pem-error` : `${id}-pem-hint`}
          spellCheck={false}
        />
        {errors.pem ? (
          <p className="field-error" id={`${id}-pem-error`} role="alert">{errors.pem}</p>
        ) : (
          <p className="field-hint" id={`${id}-pem-hint`}>One or more root or intermediate CA certificates. Chains they issue are trusted for your domains.</p>
        )}
      </div>
      <div className="field">
        <label htmlFor={`${id}-file`}>…or upload a .pem file</label>
        <input id={`${id}-file`} type="file" accept=".pem,.crt,.cer,application/x-pem-file" onChange={onFile} className="file-input" />
      </div>
      {errors.root ? <Notice tone="error">{errors.root}</Notice> : null}
      <div className="form-actions">
        {onDone ? <Button onClick={onDone}>Cancel</Button> : null}
        <Button type="submit" variant="primary" loading={create.isPending}>Add bundle</Button>
      </div>
    </form>
  );
}
