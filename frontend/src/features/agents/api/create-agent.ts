import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import type { Agent } from '../types';

export type CreatedAgent = Agent & { token: string };

/** create_api_key also makes the agent's API token (scope agent) in the same call. */
export const createAgent = (input: { name: string; create_api_key?: boolean }) => api.post<CreatedAgent>('/agents', input);

export function useCreateAgent() {
  const qc = useQueryClient();
  return useMutation({ mutationFn: createAgent, onSuccess: () => qc.invalidateQueries({ queryKey: ['agents'] }) });
}
