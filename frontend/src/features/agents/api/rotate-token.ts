import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import type { Agent } from '../types';

export type RotationMode = 'graceful' | 'revoke';

/** graceful answers the agent (no secret); revoke answers it with its new token, shown once. */
export const rotateAgentToken = ({ id, mode }: { id: string; mode: RotationMode }) =>
  api.post<Agent>(`/agents/${encodeURIComponent(id)}/token`, { mode });

export function useRotateAgentToken() {
  const qc = useQueryClient();
  return useMutation({ mutationFn: rotateAgentToken, onSuccess: () => qc.invalidateQueries({ queryKey: ['agents'] }) });
}
