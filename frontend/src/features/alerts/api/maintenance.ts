import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import type { MaintenanceInput, MaintenanceWindow } from '../types';

type List<T> = { items: T[]; total: number };

const key = ['maintenance-windows'];

export const useMaintenanceWindows = () =>
  useQuery({ queryKey: key, queryFn: ({ signal }) => api.get<List<MaintenanceWindow>>('/maintenance-windows', undefined, signal) });

export function useSaveMaintenanceWindow() {
  const qc = useQueryClient();
  return useMutation({
    // PATCH takes a whole window, as rules do.
    mutationFn: ({ id, input }: { id?: string; input: MaintenanceInput }) =>
      id
        ? api.patch<MaintenanceWindow>(`/maintenance-windows/${encodeURIComponent(id)}`, input)
        : api.post<MaintenanceWindow>('/maintenance-windows', input),
    onSuccess: () => qc.invalidateQueries({ queryKey: key }),
  });
}

export function useDeleteMaintenanceWindow() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.delete(`/maintenance-windows/${encodeURIComponent(id)}`),
    onSuccess: () => qc.invalidateQueries({ queryKey: key }),
  });
}
