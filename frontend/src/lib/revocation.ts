import { formatDate, formatDateTime } from './format';

/** What the server last found of a certificate's revocation, by a stapled OCSP response, OCSP or CRL. */
export type Revocation = {
  /**
   * pending: not checked yet (sent only with a staple_error). waiting: the CRL or responder is at a private
   * address and an agent was asked to fetch it (error says which).
   */
  state: 'good' | 'revoked' | 'unknown' | 'unavailable' | 'pending' | 'waiting';
  source?: 'ocsp' | 'crl' | 'stapled';
  /** The CRL or responder of source, as the certificate names it. */
  url?: string;
  revoked_at?: string;
  reason?: string;
  checked_at: string | null;
  this_update?: string;
  next_update?: string;
  next_check_at: string;
  /** Why the last check was unavailable, or what it waits for. */
  error?: string;
  /** Why the OCSP response the certificate's server staples is not trusted. */
  staple_error?: string;
};

/** RFC 5280 reason codes in words; the rest read fine with spaces. */
const reasonWords: Record<string, string> = {
  ca_compromise: 'CA compromise',
  aa_compromise: 'AA compromise',
  remove_from_crl: 'removed from CRL',
};

export const reasonText = (code: string) => reasonWords[code] ?? code.replaceAll('_', ' ');

export const sourceWords = { ocsp: 'OCSP', crl: 'CRL', stapled: 'the OCSP response its server staples' } as const;

/** A revocation status in words: "Revoked on … (key compromise)", "Not revoked (checked … by OCSP)". */
export function revocationText(r: Revocation | null | undefined): string {
  if (!r || r.state === 'pending') return 'Not checked yet';
  const by = r.source ? ` by ${sourceWords[r.source]}` : '';
  switch (r.state) {
    case 'revoked':
      return `Revoked on ${formatDate(r.revoked_at)}${r.reason ? ` (${reasonText(r.reason)})` : ''}`;
    case 'good':
      return `Not revoked (checked ${formatDateTime(r.checked_at)}${by})`;
    case 'unknown':
      return `Unknown to the CA (checked ${formatDateTime(r.checked_at)}${by})`;
    case 'waiting':
      return `Not known yet: ${r.error || 'waiting for an agent to fetch the CRL or OCSP answer'}`;
    default:
      return `Revocation status unavailable: ${r.error || 'no answer'}`;
  }
}

/** Why the OCSP response a certificate's server staples is not trusted, in words; null when nothing is wrong with it. */
export function stapleText(r: Revocation | null | undefined): string | null {
  return r?.staple_error ? `The server staples an OCSP response that does not verify: ${r.staple_error}` : null;
}

/** The state alone, for badges and filters. */
export const revocationLabel: Record<Revocation['state'] | 'unchecked', string> = {
  good: 'Not revoked',
  revoked: 'Revoked',
  unknown: 'Unknown to the CA',
  unavailable: 'Unavailable',
  pending: 'Not checked yet',
  waiting: 'Waiting for an agent',
  unchecked: 'Not checked yet',
};
