import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import type { Domain } from '../types';

export type UpdateDomainInput = {
  id: string;
  agent_id?: string | null;
  tags?: string[];
  sni?: string | null;
  renew_after_fraction?: number | null;
};

export const updateDomain = ({ id, ...patch }: UpdateDomainInput) => api.patch<Domain>(`/domains/${encodeURIComponent(id)}`, patch);

export function useUpdateDomain() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: updateDomain,
    onSuccess: () => qc.invalidateQueries({ queryKey: ['domains'] }),
  });
}
