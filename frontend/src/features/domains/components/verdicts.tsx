import { formatDate } from '@/lib/format';
import type { Analysis } from '../types';
import { windowText } from './renewal';

const trustLabel: Record<string, string> = {
  trusted: 'Trusted by public roots',
  trusted_org_ca: "Trusted through your organization's CA bundle",
  self_signed: 'Self-signed',
  unknown_authority: 'Issued by an unknown authority',
  incomplete_chain: 'Incomplete chain',
  untrusted: 'Not trusted',
};

type Row = { label: string; ok: boolean | null; text: string; detail?: string | undefined };

/** Every verdict the server gave on the current chain, good ones included. */
export function Verdicts({ analysis }: { analysis: Analysis }) {
  const a = analysis;
  const trustOk = a.trust?.status === 'trusted' || a.trust?.status === 'trusted_org_ca';
  const weak = a.weak_crypto ?? [];
  const rows: Row[] = [
    {
      label: 'Validity',
      ok: a.expired ? false : a.not_yet_valid ? false : true,
      text: a.expired ? 'Expired' : a.not_yet_valid ? 'Not yet valid' : 'Within its validity period',
      detail: a.validity_note,
    },
    a.trust
      ? {
          label: 'Trust',
          ok: trustOk,
          text: trustLabel[a.trust.status ?? ''] ?? a.trust.status ?? 'unknown',
          detail: [a.trust.anchor ? `Anchor: ${a.trust.anchor}` : '', a.trust.reason ?? '', a.trust.missing_issuer ? `Missing issuer: ${a.trust.missing_issuer}` : '']
            .filter(Boolean)
            .join(' · '),
        }
      : { label: 'Trust', ok: null, text: 'Not judged' },
    {
      label: 'Host name',
      ok: a.hostname_match ?? null,
      text: a.hostname_match ? `Matches ${a.hostname ?? ''}` : a.hostname ? `Does not match ${a.hostname}` : 'Not checked',
      detail: a.hostname_match ? (a.hostname_matched_by ? `via ${a.hostname_matched_by}` : undefined) : a.hostname_reason,
    },
    {
      label: 'Keys and signatures',
      ok: weak.length === 0,
      text: weak.length === 0 ? 'No weakness found' : `${weak.length} weakness${weak.length === 1 ? '' : 'es'}`,
      detail: weak.map((w) => (w.position >= 0 ? `#${w.position}: ${w.message}` : w.message)).join(' · ') || undefined,
    },
    {
      label: 'Renewal',
      ok: a.renewal_overdue ? false : true,
      text: a.renewal_overdue && a.renewal_window ? `Overdue since ${formatDate(a.renewal_window.end)}` : a.renewal_overdue ? 'Overdue' : 'On schedule',
      detail: windowText(a.renewal_window) ?? undefined,
    },
  ];
  return (
    <ul className="verdicts" aria-label="Verdicts">
      {rows.map((r) => (
        <li key={r.label} className={`verdict verdict-${r.ok === null ? 'na' : r.ok ? 'ok' : 'bad'}`}>
          <span className="verdict-icon" aria-hidden="true">{r.ok === null ? '–' : r.ok ? '✓' : '✕'}</span>
          <span className="verdict-label">{r.label}</span>
          <span className="verdict-text">
            <span className="sr-only">{r.ok === null ? 'not judged: ' : r.ok ? 'passed: ' : 'failed: '}</span>
            {r.text}
            {r.detail ? <span className="verdict-detail">{r.detail}</span> : null}
          </span>
        </li>
      ))}
    </ul>
  );
}
