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
 * threshold, green beyond; grey when unknown. The threshold comes as a prop
 * or from ExpiringThresholdContext (provided in src/app); nothing is fetched here.
 */
export function DaysLeftBadge({ days, threshold }: { days: number | null | undefined; threshold?: number }) {
  const fromContext = useExpiringThreshold();
  const tone = daysLeftTone(days, threshold ?? fromContext);
  const label = daysLeftLabel(days);
  return (
    <span className={`badge badge-${tone} days-left`} data-tone={tone} aria-label={`Days left: ${label}`}>
      <span className="dot" aria-hidden="true" />
      {label}
    </span>
  );
}

const statusTone: Record<string, Tone | 'neutral' | 'info'> = {
  ok: 'good',
  expiring: 'warning',
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
  expiring: 'Expiring',
  expired: 'Expired',
  invalid: 'Invalid',
  unreachable: 'Unreachable',
  pending: 'Pending',
  online: 'Online',
  offline: 'Offline',
  never: 'Never connected',
};

export function StatusBadge({ status }: { status: string }) {
  return (
    <Badge tone={statusTone[status] ?? 'neutral'}>
      <span className="dot" aria-hidden="true" />
      {statusLabel[status] ?? status}
    </Badge>
  );
}
