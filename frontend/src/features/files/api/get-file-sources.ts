import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, type Paginated } from '@/lib/api-client';
import type { FileItem } from '@/lib/file-item';

export { fileLabel, type FileItem } from '@/lib/file-item';

/** A certificate read from a file on an agent's host (GET /file-sources): a domain of protocol "file". */
export type FileSource = {
  id: string;
  agent_id: string | null;
  status: string;
  days_left: number | null;
  not_after: string | null;
  sha256: string | null;
  last_checked_at: string | null;
  last_error: string;
  last_error_kind: string;
  problems: string[];
  file: FileItem;
};

/** The list's filters; '' is "any". */
export type FileSourceFilters = {
  page: number;
  per_page: number;
  q: string;
  status: string;
  sort: string;
};

export const getFileSources = (f: FileSourceFilters, signal?: AbortSignal) =>
  api.get<Paginated<FileSource>>('/file-sources', f, signal);

export const useFileSources = (f: FileSourceFilters) =>
  useQuery({
    queryKey: ['file-sources', 'list', f],
    queryFn: ({ signal }) => getFileSources(f, signal),
    placeholderData: keepPreviousData,
  });

