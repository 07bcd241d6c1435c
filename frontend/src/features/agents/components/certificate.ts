import type { Tone } from '@/lib/days-left';
import type { Agent, AgentCertificate } from '../types';

const DAY = 86_400_000;

/** Whole days from now until iso; negative once past. */
export function daysUntil(iso: string, now: Date = new Date()): number {
  return Math.floor((new Date(iso).getTime() - now.getTime()) / DAY);
}

/**
 * The colour of an agent certificate's expiry, by its lifetime rather than
 * by days (they last a week): green while young, amber once the renewal the
 * agent makes after two thirds of the lifetime is overdue, red once expired.
 */
export function certificateTone(notAfter: string, issuedAt: string | null, now: Date = new Date()): Tone {
  const left = new Date(notAfter).getTime() - now.getTime();
  if (left <= 0) return 'critical';
  if (!issuedAt) return 'good';
  const lifetime = new Date(notAfter).getTime() - new Date(issuedAt).getTime();
  return left < lifetime / 3 ? 'warning' : 'good';
}

/** A certificate that still opens the door: revoking it changes something. */
export const isLive = (c: AgentCertificate) => c.status === 'current' || c.status === 'superseded';

export const hasCertificate = (a: Agent) => a.certificate_serial !== '';

export const certificateStatusLabel: Record<AgentCertificate['status'], string> = {
  current: 'Current',
  superseded: 'Superseded',
  expired: 'Expired',
  revoked: 'Revoked',
};

export const certificateStatusMeaning: Record<AgentCertificate['status'], string> = {
  current: 'The certificate the agent was last issued; it authenticates with it.',
  superseded: 'Replaced by a renewal. It still works until it expires, unless revoked.',
  expired: 'Past its expiry: refused.',
  revoked: 'Revoked: refused from the next request and listed in the revocation list.',
};

export const certificateStatusTone: Record<AgentCertificate['status'], Tone | 'neutral'> = {
  current: 'good',
  superseded: 'neutral',
  expired: 'unknown',
  revoked: 'critical',
};

export const originLabel: Record<AgentCertificate['origin'], string> = {
  enrolled: 'Enrolled with a join token',
  renewed: 'Renewed by the agent',
  '': 'Not recorded',
};
