import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, isNotFound } from '@/lib/api-client';

/** Deletes each domain; one already gone counts as deleted. */
export async function deleteDomains(ids: string[]): Promise<{ deleted: number; failed: string[] }> {
  const results = await Promise.allSettled(ids.map((id) => api.delete(`/domains/${encodeURIComponent(id)}`)));
  const failed: string[] = [];
  results.forEach((r, i) => {
    if (r.status === 'rejected' && !isNotFound(r.reason)) failed.push(ids[i]!);
  });
  return { deleted: ids.length - failed.length, failed };
}

export function useDeleteDomains() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: deleteDomains,
    onSettled: () => qc.invalidateQueries({ queryKey: ['domains'] }),
  });
}
