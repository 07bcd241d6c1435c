/** Post-quantum readiness of an endpoint, as the domain list's post_quantum filter spells it. */
export type Readiness = 'true' | 'false' | 'unknown';

export const READINESS: readonly Readiness[] = ['true', 'false', 'unknown'];

/** What each readiness means, in words: for filters, chips and the overview card. */
export const readinessLabel: Record<Readiness, string> = {
  true: 'Post-quantum ready',
  false: 'Classical key exchange only',
  unknown: 'Key exchange unknown',
};

export const isReadiness = (v: string | null | undefined): v is Readiness => READINESS.includes(v as Readiness);
