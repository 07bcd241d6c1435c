import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import type { RevocationSource } from './get-revocation-sources';

/** Uploads a CRL (DER or PEM file) of an internal CA (POST /revocation-sources/crls). */
export const uploadCRL = (file: Blob) => api.upload<RevocationSource>('/revocation-sources/crls', file, 'application/pkix-crl');

export function useUploadCRL() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: uploadCRL,
    onSuccess: () => qc.invalidateQueries({ queryKey: ['revocation-sources'] }),
  });
}
