import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { DEFAULT_EXPIRING_THRESHOLD, ExpiringThresholdContext } from '@/lib/days-left';
import { organizationQueryOptions } from '@/lib/organization';

/**
 * Gives every days-left badge the organization's expiring threshold. The
 * organization is fetched once into the shared ['organization'] cache, which
 * the settings page reads and updates too; until it arrives (or when the
 * server cannot say) the server's default applies.
 */
export function ExpiringThresholdProvider({ children }: { children: ReactNode }) {
  const org = useQuery(organizationQueryOptions());
  const threshold = org.data?.expiring_threshold_days ?? DEFAULT_EXPIRING_THRESHOLD;
  return <ExpiringThresholdContext.Provider value={threshold}>{children}</ExpiringThresholdContext.Provider>;
}
