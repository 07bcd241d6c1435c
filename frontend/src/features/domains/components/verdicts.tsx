import { TechnicalDetails } from '@/components/ui/technical-details';
import { formatDate } from '@/lib/format';
import { errorText, isRawError, trustText } from '@/lib/wording';
import type { Analysis } from '../types';
import { windowText } from './renewal';

type Row = { label: string; ok: boolean | null; text: string; detail?: string | undefined; raw?: string | undefined };

/** A verdict's reason in words, and the raw text when the words replace it. */
const reason = (raw: string | undefined) => (raw ? { detail: errorText(raw), raw: isRawError(raw) ? raw : undefined } : {});

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
          text: trustText(a.trust.status),
          detail: [a.trust.anchor ? `Anchor: ${a.trust.anchor}` : '', a.trust.reason ? errorText(a.trust.reason) : '', a.trust.missing_issuer ? `Missing issuer: ${a.trust.missing_issuer}` : '']
            // A reason worded as the verdict already says it is not said twice.
            .filter((x) => x && x.replace(/\.$/, '') !== trustText(a.trust?.status))
            .join(' · '),
          raw: isRawError(a.trust.reason) ? a.trust.reason : undefined,
        }
      : { label: 'Trust', ok: null, text: 'Not judged' },
    {
      label: 'Host name',
      ok: a.hostname_match ?? null,
      text: a.hostname_match ? `Matches ${a.hostname ?? ''}` : a.hostname ? `Does not match ${a.hostname}` : 'Not checked',
      ...(a.hostname_match ? { detail: a.hostname_matched_by ? `via ${a.hostname_matched_by}` : undefined } : reason(a.hostname_reason)),
    },
    {
      label: 'Keys and signatures',
      ok: weak.length === 0,
      text: weak.length === 0 ? 'No weakness found' : `${weak.length} weakness${weak.length === 1 ? '' : 'es'}`,
      detail: weak.map((w) => (w.position >= 0 ? `#${w.position}: ${w.message}` : w.message)).join(' · ') || undefined,
    },
    renewalRow(a),
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
            <TechnicalDetails raw={r.raw} />
          </span>
        </li>
      ))}
    </ul>
  );
}

/**
 * Renewal: an expired certificate missed it, whatever its window said; an
 * overdue one is late; otherwise it is on schedule.
 */
function renewalRow(a: Analysis): Row {
  const end = a.renewal_window ? formatDate(a.renewal_window.end) : null;
  if (a.expired) {
    return { label: 'Renewal', ok: false, text: 'Missed: the certificate expired without being renewed', detail: end ? `Renewal was expected by ${end}` : undefined };
  }
  if (a.renewal_overdue) return { label: 'Renewal', ok: false, text: end ? `Overdue since ${end}` : 'Overdue', detail: windowText(a.renewal_window) ?? undefined };
  return { label: 'Renewal', ok: true, text: 'On schedule', detail: windowText(a.renewal_window) ?? undefined };
}
