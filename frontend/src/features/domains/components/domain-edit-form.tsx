import { useId, useState, type FormEvent } from 'react';
import { Button } from '@/components/ui/button';
import { TextField } from '@/components/ui/field';
import { Notice } from '@/components/ui/notice';
import { isApiError } from '@/lib/api-client';
import { useUpdateDomain } from '../api/update-domain';
import type { Domain } from '../types';

const TAG = /^[A-Za-z0-9][A-Za-z0-9._:/-]*$/;
type Errors = { sni?: string; tags?: string; renew_after_fraction?: string; root?: string };

const splitTags = (s: string) => s.split(',').map((t) => t.trim()).filter(Boolean);

/** Edits what can change about a monitored endpoint without re-adding it. */
export function DomainEditForm({ domain, onDone }: { domain: Domain; onDone: () => void }) {
  const id = useId();
  const update = useUpdateDomain();
  const [sni, setSni] = useState(domain.sni ?? '');
  const [tags, setTags] = useState(domain.tags.join(', '));
  const [fraction, setFraction] = useState(domain.renew_after_fraction == null ? '' : String(domain.renew_after_fraction));
  const [errors, setErrors] = useState<Errors>({});

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    const found: Errors = {};
    const list = splitTags(tags);
    if (list.some((t) => t.length > 50 || !TAG.test(t))) found.tags = 'Tags: letters, digits and . _ : / -, separated by commas';
    const f = fraction.trim() === '' ? null : Number(fraction.trim().replace(',', '.'));
    if (f !== null && !(Number.isFinite(f) && f > 0 && f < 1)) found.renew_after_fraction = 'A fraction between 0 and 1, e.g. 0.66, or empty for the policy default';
    if (sni.trim().length > 253) found.sni = 'At most 253 characters';
    setErrors(found);
    if (Object.keys(found).length) return;
    try {
      // Only what changed is sent, so an untouched field keeps its stored value.
      const patch: Parameters<typeof update.mutateAsync>[0] = { id: domain.id };
      if (sni.trim() !== (domain.sni ?? '')) patch.sni = sni.trim();
      if (list.join(',') !== domain.tags.join(',')) patch.tags = list;
      if (f !== (domain.renew_after_fraction ?? null)) patch.renew_after_fraction = f;
      if (Object.keys(patch).length > 1) await update.mutateAsync(patch);
      onDone();
    } catch (err) {
      const next: Errors = {};
      if (isApiError(err)) {
        for (const fe of err.fieldErrors()) {
          if (fe.field === 'sni' || fe.field === 'tags' || fe.field === 'renew_after_fraction') {
            next[fe.field] ??= fe.message.charAt(0).toUpperCase() + fe.message.slice(1);
          }
        }
      }
      if (Object.keys(next).length === 0) next.root = err instanceof Error ? err.message : String(err);
      setErrors(next);
    }
  };

  return (
    <form onSubmit={onSubmit} noValidate className="form" aria-label="Edit domain" id={id}>
      <div className="form-grid">
        <TextField label="SNI" value={sni} onChange={(e) => setSni(e.target.value)} placeholder={domain.host} error={errors.sni} autoComplete="off" hint="Empty sends the host name." />
        <TextField label="Tags" value={tags} onChange={(e) => setTags(e.target.value)} error={errors.tags} autoComplete="off" placeholder="prod, payments" />
        <TextField
          label="Renew after (fraction of lifetime)"
          inputMode="decimal"
          value={fraction}
          onChange={(e) => setFraction(e.target.value)}
          error={errors.renew_after_fraction}
          placeholder="policy default"
          hint="E.g. 0.66: renewal is overdue once two thirds of the lifetime have passed. Empty follows the organization's policy."
        />
      </div>
      {errors.root ? <Notice tone="error">{errors.root}</Notice> : null}
      <div className="form-actions">
        <Button onClick={onDone}>Cancel</Button>
        <Button type="submit" variant="primary" loading={update.isPending}>Save changes</Button>
      </div>
    </form>
  );
}
