import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import type { Agent, AgentCertificate } from '../types';

/** One certificate: refused from the agent's next request, the others keep working. */
export const revokeAgentCertificate = ({ id, serial }: { id: string; serial: string }) =>
  api.post<AgentCertificate>(`/agents/${encodeURIComponent(id)}/certificates/${encodeURIComponent(serial)}/revoke`);

/** Every live certificate of the agent: it must enroll again with a new join token. */
export const revokeAllAgentCertificates = (id: string) => api.post<Agent>(`/agents/${encodeURIComponent(id)}/certificate/revoke`);

export function useRevokeAgentCertificate() {
  const qc = useQueryClient();
  return useMutation({ mutationFn: revokeAgentCertificate, onSuccess: () => qc.invalidateQueries({ queryKey: ['agents'] }) });
}

export function useRevokeAllAgentCertificates() {
  const qc = useQueryClient();
  return useMutation({ mutationFn: revokeAllAgentCertificates, onSuccess: () => qc.invalidateQueries({ queryKey: ['agents'] }) });
}
