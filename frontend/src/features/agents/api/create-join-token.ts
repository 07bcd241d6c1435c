import { useMutation } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import type { JoinToken } from '../types';

/** Shown once, good for one enrollment within the hour. Dashboard sessions of admins only. */
export const createJoinToken = (agentId: string) => api.post<JoinToken>(`/agents/${encodeURIComponent(agentId)}/join-tokens`);

export const useCreateJoinToken = () => useMutation({ mutationFn: createJoinToken });
