import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import type { Domain } from '../types';

export type CreateDomainInput = {
  host: string;
  port?: number;
  protocol: string;
  sni?: string;
  agent_id?: string;
  tags?: string[];
};

export const createDomain = (input: CreateDomainInput) => api.post<Domain>('/domains', input);

export function useCreateDomain() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: createDomain,
    onSuccess: () => qc.invalidateQueries({ queryKey: ['domains'] }),
  });
}
