import { createContext, useContext } from 'react';

// Days-left colour coding, where no status says more: red within a week,
// orange within two, amber within the organization's optional expiring
// floor (none by default: a certificate's lifetime decides its urgency),
// green beyond. A floor below 14 leaves no room for amber.
export const DEFAULT_EXPIRING_THRESHOLD = 0;
export const RED_DAYS = 7;
export const ORANGE_DAYS = 14;

export type Tone = 'critical' | 'high' | 'warning' | 'good' | 'unknown';

export function daysLeftTone(days: number | null | undefined, expiringThreshold: number = DEFAULT_EXPIRING_THRESHOLD): Tone {
  if (days === null || days === undefined || Number.isNaN(days)) return 'unknown';
  if (days <= RED_DAYS) return 'critical';
  if (days <= ORANGE_DAYS) return 'high';
  if (days <= expiringThreshold) return 'warning';
  return 'good';
}

export function daysLeftLabel(days: number | null | undefined): string {
  if (days === null || days === undefined) return 'unknown';
  if (days < 0) return days === -1 ? 'expired 1 day ago' : `expired ${-days} days ago`;
  if (days === 0) return 'expires today';
  return days === 1 ? '1 day' : `${days} days`;
}

/**
 * The organization's expiring threshold in days. src/app provides it from
 * GET /organization; without a provider the server's default applies.
 */
export const ExpiringThresholdContext = createContext<number>(DEFAULT_EXPIRING_THRESHOLD);

export const useExpiringThreshold = () => useContext(ExpiringThresholdContext);
