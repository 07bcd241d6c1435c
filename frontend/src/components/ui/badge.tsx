import { daysLeftLabel, daysLeftTone, useExpiringThreshold, type Tone } from '@/lib/days-left';
import { statusMeaning, statusText } from '@/lib/wording';
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

export function StatusBadge({ status }: { status: string }) {
  return (
    <Badge tone={statusTone[status] ?? 'neutral'} title={statusMeaning(status)}>
      <span className="dot" aria-hidden="true" />
      {statusText(status)}
    </Badge>
  );
}
