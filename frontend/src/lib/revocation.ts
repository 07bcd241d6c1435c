import { formatDate, formatDateTime } from './format';

/** What the server last found of a certificate's revocation, by OCSP or CRL. */
export type Revocation = {
  state: 'good' | 'revoked' | 'unknown' | 'unavailable';
  source?: 'ocsp' | 'crl';
  /** The CRL or responder of source, as the certificate names it. */
  url?: string;
  revoked_at?: string;
  reason?: string;
  checked_at: string | null;
  this_update?: string;
  next_update?: string;
  next_check_at: string;
  /** Why the last check was unavailable. */
  error?: string;
};

/** RFC 5280 reason codes in words; the rest read fine with spaces. */
const reasonWords: Record<string, string> = {
  ca_compromise: 'CA compromise',
  aa_compromise: 'AA compromise',
  remove_from_crl: 'removed from CRL',
};

export const reasonText = (code: string) => reasonWords[code] ?? code.replaceAll('_', ' ');

export const sourceWords = { ocsp: 'OCSP', crl: 'CRL' } as const;

/** A revocation status in words: "Revoked on … (key compromise)", "Not revoked (checked … by OCSP)". */
export function revocationText(r: Revocation | null | undefined): string {
  if (!r) return 'Not checked yet';
  const by = r.source ? ` by ${sourceWords[r.source]}` : '';
  switch (r.state) {
    case 'revoked':
      return `Revoked on ${formatDate(r.revoked_at)}${r.reason ? ` (${reasonText(r.reason)})` : ''}`;
    case 'good':
      return `Not revoked (checked ${formatDateTime(r.checked_at)}${by})`;
    case 'unknown':
      return `Unknown to the CA (checked ${formatDateTime(r.checked_at)}${by})`;
    default:
      return `Revocation status unavailable: ${r.error || 'no answer'}`;
  }
}

/** The state alone, for badges and filters. */
export const revocationLabel: Record<Revocation['state'] | 'unchecked', string> = {
  good: 'Not revoked',
  revoked: 'Revoked',
  unknown: 'Unknown to the CA',
  unavailable: 'Unavailable',
  unchecked: 'Not checked yet',
};
