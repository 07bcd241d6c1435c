import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, buildUrl, isApiError } from '@/lib/api-client';
import type { DomainFilters } from '../types';

export type ImportResult = { created: number; skipped: number };
export type RowError = { row: number; field: string; message: string };

/** The row errors of a refused import (400 with {error, rows}), else []. */
export function importRowErrors(e: unknown): RowError[] {
  if (!isApiError(e)) return [];
  const rows = (e.data as { rows?: RowError[] } | undefined)?.rows;
  return Array.isArray(rows) ? rows : [];
}

/** A File goes up as multipart (field "file"), pasted text as text/csv. */
export const importDomains = (csv: File | string) => {
  if (typeof csv === 'string') return api.upload<ImportResult>('/domains/import', csv, 'text/csv');
  const form = new FormData();
  form.append('file', csv);
  return api.upload<ImportResult>('/domains/import', form);
};

export function useImportDomains() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: importDomains,
    onSuccess: () => qc.invalidateQueries({ queryKey: ['domains'] }),
  });
}

/** The server's CSV export of the filtered list, for a plain download link. */
export const exportUrl = (f: DomainFilters) => buildUrl('/domains/export', { ...f, sort: f.sort || undefined });
