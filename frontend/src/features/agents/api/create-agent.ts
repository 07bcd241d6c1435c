import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import type { Agent } from '../types';

export const createAgent = (input: { name: string }) => api.post<Agent & { token: string }>('/agents', input);

export function useCreateAgent() {
  const qc = useQueryClient();
  return useMutation({ mutationFn: createAgent, onSuccess: () => qc.invalidateQueries({ queryKey: ['agents'] }) });
}
