import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api-client';

export type InvitationPreview = { email: string; role: string; organization: string; invited_by?: string; expires_at: string };

/** What an invitation link is for, read before accepting it. */
export const invitationPreviewQueryOptions = (token: string) =>
  queryOptions({
    queryKey: ['invitation-preview', token],
    queryFn: () => api.post<InvitationPreview>('/invitations/preview', { token }),
    retry: false,
    staleTime: Infinity,
  });

export const useInvitationPreview = (token: string) => useQuery(invitationPreviewQueryOptions(token));
