import { keepPreviousData, queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, type Paginated } from '@/lib/api-client';

export type EnrollmentStatus = 'pending' | 'approved' | 'rejected' | 'expired';

/** An agent's enrollment held for an admin's approval (require_enrollment_approval). */
export type AgentEnrollment = {
  id: string;
  agent_id: string;
  agent_name: string;
  /** sha256:<hex> of the agent's key, as `certinel-agent enroll` printed it. */
  key_fingerprint: string;
  status: EnrollmentStatus;
  created_at: string;
  expires_at: string;
  decided_at: string | null;
  decided_by: string;
  certificate_serial: string;
};

export const getEnrollments = (status: EnrollmentStatus, signal?: AbortSignal) =>
  api.get<Paginated<AgentEnrollment>>('/agent-enrollments', { status, per_page: 100 }, signal);

/** Admins only; polled, since an agent waits on the other side. */
export const getEnrollmentsQueryOptions = (status: EnrollmentStatus = 'pending') =>
  queryOptions({
    queryKey: ['agent-enrollments', status],
    queryFn: ({ signal }) => getEnrollments(status, signal),
    placeholderData: keepPreviousData,
    refetchInterval: 10_000,
  });

export const useEnrollments = (status: EnrollmentStatus = 'pending') => useQuery(getEnrollmentsQueryOptions(status));

export type Decision = 'approve' | 'reject';

export const decideEnrollment = ({ id, decision }: { id: string; decision: Decision }) =>
  api.post<AgentEnrollment>(`/agent-enrollments/${encodeURIComponent(id)}/${decision}`);

/** Approving gives the agent its certificate: the agents list shows it. */
export function useDecideEnrollment() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: decideEnrollment,
    onSuccess: () => Promise.all([qc.invalidateQueries({ queryKey: ['agent-enrollments'] }), qc.invalidateQueries({ queryKey: ['agents'] })]),
  });
}
