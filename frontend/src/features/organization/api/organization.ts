import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import { sessionQueryOptions } from '@/lib/auth';
import { organizationQueryOptions, type CertificatePolicy, type Organization } from '@/lib/organization';

export type { CertificatePolicy, Organization };

/** The shared ['organization'] query: the days-left colours read the same cache. */
export const useOrganization = () => useQuery(organizationQueryOptions());

export type PolicyPatch = Partial<Omit<CertificatePolicy, 'expiring_days'>>;
export type OrganizationPatch = {
  name?: string;
  expiring_threshold_days?: number;
  policy?: PolicyPatch;
  require_agent_mtls?: boolean;
  require_enrollment_approval?: boolean;
};

export const updateOrganization = (patch: OrganizationPatch) => api.patch<Organization>('/organization', patch);

/** Owners only. The answer replaces the cached organization at once. */
export function useUpdateOrganization() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: updateOrganization,
    onSuccess: (org) => {
      qc.setQueryData(organizationQueryOptions().queryKey, org);
      // The shell shows the organization's name from /me.
      void qc.invalidateQueries({ queryKey: sessionQueryOptions().queryKey });
    },
  });
}
