import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';

export type TwoFactorState = { enabled: boolean; recovery_codes_left: number; enrollment_pending: boolean };
export type TwoFactorSetup = { secret: string; otpauth_uri: string; qr_code: string };

const key = ['account', 'two-factor'] as const;

export const twoFactorQueryOptions = () =>
  queryOptions({ queryKey: key, queryFn: ({ signal }) => api.get<TwoFactorState>('/account/two-factor', undefined, signal) });

export const useTwoFactor = () => useQuery(twoFactorQueryOptions());

export const useSetupTwoFactor = () =>
  useMutation({ mutationFn: (password: string) => api.post<TwoFactorSetup>('/account/two-factor/setup', { password }) });

export function useEnableTwoFactor() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (code: string) => api.post<{ recovery_codes: string[] }>('/account/two-factor/enable', { code }),
    onSuccess: () => qc.invalidateQueries({ queryKey: key }),
  });
}

export function useDisableTwoFactor() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: { password: string; code: string }) => api.post<void>('/account/two-factor/disable', input),
    onSuccess: () => qc.invalidateQueries({ queryKey: key }),
  });
}
