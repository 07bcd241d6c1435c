import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import type { Channel, ChannelInput, ChannelTypeDescription, TestResult } from '../types';

type List<T> = { items: T[]; total: number };

export const getChannels = (signal?: AbortSignal) => api.get<List<Channel>>('/channels', undefined, signal);

export const channelsQueryOptions = () =>
  queryOptions({ queryKey: ['channels'], queryFn: ({ signal }) => getChannels(signal) });

export const useChannels = () => useQuery(channelsQueryOptions());

export const getChannelTypes = (signal?: AbortSignal) => api.get<List<ChannelTypeDescription>>('/channel-types', undefined, signal);

/** The channel types this server offers; they change only with a restart. */
export const channelTypesQueryOptions = () =>
  queryOptions({ queryKey: ['channel-types'], queryFn: ({ signal }) => getChannelTypes(signal), staleTime: 5 * 60_000 });

export const useChannelTypes = () => useQuery(channelTypesQueryOptions());

export function useSaveChannel() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, input }: { id?: string; input: ChannelInput }) =>
      id ? api.patch<Channel>(`/channels/${encodeURIComponent(id)}`, input) : api.post<Channel>('/channels', input),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['channels'] }),
  });
}

export function useDeleteChannel() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.delete(`/channels/${encodeURIComponent(id)}`),
    onSuccess: () => {
      qc.invalidateQueries({ queryKey: ['channels'] });
      qc.invalidateQueries({ queryKey: ['alert-rules'] });
    },
  });
}

export function useTestChannel() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.post<TestResult>(`/channels/${encodeURIComponent(id)}/test`),
    onSettled: () => qc.invalidateQueries({ queryKey: ['events'] }),
  });
}
