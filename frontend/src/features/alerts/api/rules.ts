import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import type { Rule, RuleInput } from '../types';

type List<T> = { items: T[]; total: number };

export const useRules = () =>
  useQuery({ queryKey: ['alert-rules'], queryFn: ({ signal }) => api.get<List<Rule>>('/alert-rules', undefined, signal) });

export function useSaveRule() {
  const qc = useQueryClient();
  return useMutation({
    // PATCH takes a whole rule: absent fields would fall back to defaults.
    mutationFn: ({ id, input }: { id?: string; input: RuleInput }) =>
      id ? api.patch<Rule>(`/alert-rules/${encodeURIComponent(id)}`, input) : api.post<Rule>('/alert-rules', input),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['alert-rules'] }),
  });
}

export function useDeleteRule() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.delete(`/alert-rules/${encodeURIComponent(id)}`),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['alert-rules'] }),
  });
}
