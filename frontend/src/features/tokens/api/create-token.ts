import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import type { ApiToken, TokenScope } from '../types';

export type CreateTokenInput = { name: string; scope: TokenScope; expires_at?: string };

export const createToken = (input: CreateTokenInput) => api.post<ApiToken & { token: string }>('/tokens', input);

export function useCreateToken() {
  const qc = useQueryClient();
  return useMutation({ mutationFn: createToken, onSuccess: () => qc.invalidateQueries({ queryKey: ['tokens'] }) });
}
