import { useEffect, useState } from 'react';
import { useAgentOptions, type CertificateFilters } from '../api/get-certificates';
import { trustShortText } from '@/lib/wording';

/** The revocation filters, as the query string spells them. */
export const REVOCATION_FILTERS: { value: CertificateFilters['revocation']; label: string }[] = [
  { value: '', label: 'Any revocation status' },
  { value: 'revoked', label: 'Revoked' },
  { value: 'unavailable', label: 'Revocation unavailable' },
  { value: 'unknown', label: 'Unknown to the CA' },
  { value: 'good', label: 'Not revoked' },
];

/** The trust verdicts one can filter by, worded as the table words them. */
const TRUST_STATUSES = ['trusted', 'trusted_org_ca', 'self_signed', 'unknown_authority', 'incomplete_chain', 'expired_chain', 'invalid'];

const KEY_TYPES = ['RSA', 'ECDSA', 'Ed25519'];
const EXPIRY = [
  { value: '', label: 'Any expiry' },
  { value: '0', label: 'Expired' },
  { value: '7', label: 'Within 7 days' },
  { value: '30', label: 'Within 30 days' },
  { value: '90', label: 'Within 90 days' },
];
export const SORTS = [
  { value: '', label: 'Soonest expiry' },
  { value: '-not_after', label: 'Latest expiry' },
  { value: 'subject', label: 'Subject A–Z' },
  { value: 'issuer', label: 'Issuer A–Z' },
  { value: '-serving', label: 'Most served' },
  { value: '-first_seen', label: 'Newest first seen' },
];

const TEXT_KEYS = ['q', 'issuer', 'tag'] as const;
type TextKey = (typeof TEXT_KEYS)[number];

type Props = { filters: CertificateFilters; update: (patch: Record<string, string>) => void };

/**
 * The inventory's filters. Text filters apply as one types (after a pause),
 * choices at once; all of them live in the URL.
 */
export function InventoryFilters({ filters, update }: Props) {
  const agents = useAgentOptions();
  const [text, setText] = useState<Record<TextKey, string>>({ q: filters.q, issuer: filters.issuer, tag: filters.tag });
  useEffect(() => {
    const changed = TEXT_KEYS.filter((k) => text[k].trim() !== filters[k]);
    if (changed.length === 0) return;
    const t = setTimeout(() => update(Object.fromEntries(changed.map((k) => [k, text[k].trim()]))), 300);
    return () => clearTimeout(t);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [text]);
  const textInput = (key: TextKey, label: string, placeholder: string, className = 'input') => (
    <div className={`field field-inline${key === 'q' ? ' grow' : ''}`}>
      <label htmlFor={`cert-${key}`} className="sr-only">{label}</label>
      <input id={`cert-${key}`} className={className} type="search" placeholder={placeholder} value={text[key]}
        onChange={(e) => setText((t) => ({ ...t, [key]: e.target.value }))} />
    </div>
  );
  const select = (key: keyof CertificateFilters, label: string, options: { value: string; label: string }[]) => (
    <div className="field field-inline">
      <label htmlFor={`cert-${key}`} className="sr-only">{label}</label>
      <select id={`cert-${key}`} className="input select" value={String(filters[key])} onChange={(e) => update({ [key]: e.target.value })}>
        {options.map((o) => <option key={o.value} value={o.value}>{o.label}</option>)}
      </select>
    </div>
  );
  return (
    <div className="toolbar" role="search" aria-label="Filter certificates">
      {textInput('q', 'Search certificates', 'Search subject, issuer or SHA-256…')}
      {textInput('issuer', 'Issuer', 'Issuer', 'input input-narrow')}
      {select('key_type', 'Key type', [{ value: '', label: 'Any key' }, ...KEY_TYPES.map((k) => ({ value: k, label: k }))])}
      {select('trust_status', 'Trust', [{ value: '', label: 'Any trust' }, ...TRUST_STATUSES.map((value) => ({ value, label: trustShortText(value) }))])}
      {select('expires_within', 'Expiry', EXPIRY)}
      {textInput('tag', 'Tag', 'Tag', 'input input-narrow')}
      {select('agent_id', 'Agent', [{ value: '', label: 'Any agent' }, ...(agents.data?.items ?? []).map((a) => ({ value: a.id, label: a.name }))])}
      {select('revocation', 'Revocation', REVOCATION_FILTERS)}
      {select('sort', 'Sort by', SORTS)}
    </div>
  );
}
