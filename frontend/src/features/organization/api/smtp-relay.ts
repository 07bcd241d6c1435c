import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';

export type TLSMode = 'none' | 'starttls' | 'tls';

/** The organization's own SMTP relay; the password never comes back, has_password says one is stored. */
export type SMTPRelay = {
  configured: boolean;
  host: string;
  port: number;
  tls: TLSMode | '';
  username: string;
  has_password: boolean;
  from: string;
  updated_at?: string;
  /** Whether the server has a relay of its own (CERTINEL_SMTP_*) to fall back on. */
  server_relay: boolean;
};

/** An empty password keeps the stored one; clear_password removes it. */
export type SMTPRelayInput = {
  host: string;
  port: number;
  tls: TLSMode;
  username: string;
  password: string;
  clear_password: boolean;
  from: string;
};

export type SMTPRelayTestResult = { ok: boolean; to: string; duration_ms: number; message?: string; error?: string };

const key = ['organization', 'smtp-relay'] as const;

export const getSMTPRelay = () => api.get<SMTPRelay>('/organization/smtp-relay');
export const saveSMTPRelay = (input: SMTPRelayInput) => api.put<SMTPRelay>('/organization/smtp-relay', input);
export const deleteSMTPRelay = () => api.delete('/organization/smtp-relay');
export const testSMTPRelay = (to: string) => api.post<SMTPRelayTestResult>('/organization/smtp-relay/test', { to });

/** Owners only. */
export const useSMTPRelay = () => useQuery({ queryKey: key, queryFn: getSMTPRelay });

// Whether email channels can deliver follows the relay: the channel types say so.
const refreshDeliverability = (qc: ReturnType<typeof useQueryClient>) => qc.invalidateQueries({ queryKey: ['channel-types'] });

export function useSaveSMTPRelay() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: saveSMTPRelay,
    onSuccess: (relay) => {
      qc.setQueryData(key, relay);
      void refreshDeliverability(qc);
    },
  });
}

export function useDeleteSMTPRelay() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: deleteSMTPRelay,
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: key });
      void refreshDeliverability(qc);
    },
  });
}

export const useTestSMTPRelay = () => useMutation({ mutationFn: testSMTPRelay });
