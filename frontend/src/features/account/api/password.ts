import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';

export const useChangePassword = () => {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: { current_password: string; new_password: string }) => api.post<void>('/account/password', input),
    // Every other session ended.
    onSuccess: () => qc.invalidateQueries({ queryKey: ['account', 'sessions'] }),
  });
};
