// Days-left colour coding. The thresholds are the organization's alerting
// thresholds (30/14/7 by default until the server exposes its own).
export const DEFAULT_THRESHOLDS = [30, 14, 7] as const;

export type Tone = 'critical' | 'high' | 'warning' | 'good' | 'unknown';

export function daysLeftTone(days: number | null | undefined, thresholds: readonly number[] = DEFAULT_THRESHOLDS): Tone {
  if (days === null || days === undefined || Number.isNaN(days)) return 'unknown';
  const [amber = 30, orange = 14, red = 7] = [...thresholds].sort((a, b) => b - a);
  if (days <= red) return 'critical';
  if (days <= orange) return 'high';
  if (days <= amber) return 'warning';
  return 'good';
}

export function daysLeftLabel(days: number | null | undefined): string {
  if (days === null || days === undefined) return 'unknown';
  if (days < 0) return days === -1 ? 'expired 1 day ago' : `expired ${-days} days ago`;
  if (days === 0) return 'expires today';
  return days === 1 ? '1 day' : `${days} days`;
}
