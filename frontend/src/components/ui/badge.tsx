import { daysLeftLabel, daysLeftTone, useExpiringThreshold, type Tone } from '@/lib/days-left';
import type { ReactNode } from 'react';

export function Badge({ tone, children, title }: { tone: Tone | 'neutral' | 'info'; children: ReactNode; title?: string }) {
  return (
    <span className={`badge badge-${tone}`} title={title}>
      {children}
    </span>
  );
}

/**
 * Days left, colour-coded: red ≤ 7, orange ≤ 14, amber ≤ the expiring
 * floor, green beyond; grey when unknown. The floor comes as a prop or from
 * ExpiringThresholdContext (provided in src/app); nothing is fetched here.
 * With a domain's status, the colour follows the certificate's lifetime
 * instead: a healthy 6-day certificate is green with 2 days left.
 */
export function DaysLeftBadge({ days, threshold, status }: { days: number | null | undefined; threshold?: number; status?: string }) {
  const fromContext = useExpiringThreshold();
  const byDays = daysLeftTone(days, threshold ?? fromContext);
  const tone = status === undefined ? byDays : lifetimeTone(status, byDays);
  const label = daysLeftLabel(days);
  return (
    <span className={`badge badge-${tone} days-left`} data-tone={tone} aria-label={`Days left: ${label}`}>
      <span className="dot" aria-hidden="true" />
      {label}
    </span>
  );
}

// lifetimeTone colours days left by what the status says of them: ok and
// due are judged against the lifetime, so days alone would mislead.
function lifetimeTone(status: string, byDays: Tone): Tone {
  switch (status) {
    case 'ok':
      return 'good';
    case 'due':
      return 'warning';
    case 'expiring':
      return byDays === 'critical' ? 'critical' : 'high';
    default:
      return byDays;
  }
}

const statusTone: Record<string, Tone | 'neutral' | 'info'> = {
  ok: 'good',
  due: 'warning',
  expiring: 'high',
  expired: 'critical',
  invalid: 'critical',
  unreachable: 'high',
  pending: 'unknown',
  online: 'good',
  offline: 'critical',
  never: 'unknown',
};

const statusLabel: Record<string, string> = {
  ok: 'OK',
  due: 'Renewal overdue',
  expiring: 'Expiring',
  expired: 'Expired',
  invalid: 'Invalid',
  unreachable: 'Unreachable',
  pending: 'Pending',
  online: 'Online',
  offline: 'Offline',
  never: 'Never connected',
};

/** What each domain status means, in words, for tooltips and filters. */
export const statusMeaning: Record<string, string> = {
  ok: 'Inside its healthy window: no renewal expected yet, or renewed in time.',
  due: 'Its renewal window has passed and no renewed certificate was seen.',
  expiring: 'Close to expiry without a renewal: the last sixth of its lifetime, or within the organization\'s floor.',
  expired: 'A certificate of the chain has expired.',
  invalid: 'Clients reject the chain today (untrusted, wrong host name, or not yet valid).',
  unreachable: 'The latest check got no certificate.',
  pending: 'Not checked yet.',
};

export function StatusBadge({ status }: { status: string }) {
  return (
    <Badge tone={statusTone[status] ?? 'neutral'} title={statusMeaning[status]}>
      <span className="dot" aria-hidden="true" />
      {statusLabel[status] ?? status}
    </Badge>
  );
}
