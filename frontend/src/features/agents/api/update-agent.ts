import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import type { Agent } from '../types';

export const renameAgent = ({ id, name }: { id: string; name: string }) =>
  api.patch<Agent>(`/agents/${encodeURIComponent(id)}`, { name });

export function useRenameAgent() {
  const qc = useQueryClient();
  return useMutation({ mutationFn: renameAgent, onSuccess: () => qc.invalidateQueries({ queryKey: ['agents'] }) });
}
