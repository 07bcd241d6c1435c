import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';

export const deleteAgent = (id: string) => api.delete(`/agents/${encodeURIComponent(id)}`);

export function useDeleteAgent() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: deleteAgent,
    onSuccess: () => {
      qc.invalidateQueries({ queryKey: ['agents'] });
      // Its domains change hands.
      qc.invalidateQueries({ queryKey: ['domains'] });
    },
  });
}
