import { queryOptions, useMutation, useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api-client';

/** Whether this server can mail reset links (it has an SMTP relay). */
export const passwordResetQueryOptions = () =>
  queryOptions({
    queryKey: ['password-reset', 'available'],
    queryFn: ({ signal }) => api.get<{ available: boolean }>('/auth/password-reset', undefined, signal),
    staleTime: Infinity,
  });

export const usePasswordResetAvailable = () => useQuery(passwordResetQueryOptions());

export const useRequestPasswordReset = () =>
  useMutation({ mutationFn: (email: string) => api.post<{ status: string }>('/auth/password-reset', { email }) });

export const useResetPassword = () =>
  useMutation({ mutationFn: (input: { token: string; password: string }) => api.post<void>('/auth/password-reset/confirm', input) });
