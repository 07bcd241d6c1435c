import { useState, type FormEvent } from 'react';
import { Button } from '@/components/ui/button';
import { TextField } from '@/components/ui/field';
import { Notice } from '@/components/ui/notice';
import { isApiError } from '@/lib/api-client';
import { useCreateACMEDirectory, type ACMEDirectoryInput } from '../api/acme-directories';

type Field = keyof ACMEDirectoryInput;
type Errors = Partial<Record<Field | 'root', string>>;
const fields: Field[] = ['name', 'directory_url', 'issuer_sha256'];
const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** Checks what the server would refuse anyway, to answer before the round trip. */
function check(v: ACMEDirectoryInput): Errors {
  const found: Errors = {};
  if (!v.name.trim()) found.name = 'Give the CA a name';
  if (!/^https:\/\/[^/\s]+/i.test(v.directory_url.trim())) found.directory_url = 'Enter the https URL of the ACME directory';
  if (!/^[0-9a-f]{64}$/i.test(v.issuer_sha256.trim().replace(/:/g, ''))) {
    found.issuer_sha256 = 'Enter the SHA-256 fingerprint of the issuing CA certificate (64 hex digits)';
  }
  return found;
}

export function ACMEDirectoryForm({ onDone }: { onDone?: () => void }) {
  const create = useCreateACMEDirectory();
  const [values, setValues] = useState<ACMEDirectoryInput>({ name: '', directory_url: '', issuer_sha256: '' });
  const [errors, setErrors] = useState<Errors>({});
  const set = (k: Field) => (e: { target: { value: string } }) => setValues((v) => ({ ...v, [k]: e.target.value }));

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    const found = check(values);
    setErrors(found);
    if (Object.keys(found).length) return;
    try {
      await create.mutateAsync({
        name: values.name.trim(),
        directory_url: values.directory_url.trim(),
        issuer_sha256: values.issuer_sha256.trim().replace(/:/g, '').toLowerCase(),
      });
      setValues({ name: '', directory_url: '', issuer_sha256: '' });
      onDone?.();
    } catch (err) {
      const next: Errors = {};
      if (isApiError(err)) {
        for (const fe of err.fieldErrors()) {
          if ((fields as string[]).includes(fe.field)) next[fe.field as Field] ??= capitalize(fe.message);
        }
      }
      if (!fields.some((f) => next[f])) next.root = err instanceof Error ? err.message : String(err);
      setErrors(next);
    }
  };

  return (
    <form onSubmit={onSubmit} noValidate className="form" aria-label="Add an ACME directory">
      <TextField label="CA name" placeholder="Corporate ACME CA" value={values.name} onChange={set('name')} error={errors.name} autoComplete="off" />
      <TextField
        label="ACME directory URL"
        placeholder="https://acme.corp.example/directory"
        value={values.directory_url}
        onChange={set('directory_url')}
        error={errors.directory_url}
        autoComplete="off"
      />
      <TextField
        label="Issuing CA certificate (SHA-256)"
        placeholder="3f2a…"
        hint="The intermediate that signs your leaf certificates, as the certificate inventory lists it."
        value={values.issuer_sha256}
        onChange={set('issuer_sha256')}
        error={errors.issuer_sha256}
        autoComplete="off"
        className="mono"
      />
      {errors.root ? <Notice tone="error">{errors.root}</Notice> : null}
      <div className="form-actions">
        {onDone ? <Button onClick={onDone}>Cancel</Button> : null}
        <Button type="submit" variant="primary" loading={create.isPending}>Add directory</Button>
      </div>
    </form>
  );
}
