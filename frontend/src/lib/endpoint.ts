import { useQuery } from '@tanstack/react-query';
import { api, isApiError } from './api-client';

/**
 * Whether the server offers a list endpoint yet. Sections for endpoints that
 * answer 404 are hidden rather than filled with placeholders.
 */
export function useEndpointAvailable(path: string): 'yes' | 'no' | 'unknown' {
  const q = useQuery({
    queryKey: ['endpoint-available', path],
    enabled: path !== '',
    queryFn: async () => {
      try {
        await api.get(path, { per_page: 1 });
        return true;
      } catch (e) {
        // 403: this role may not use it, which hides it just the same.
        if (isApiError(e) && (e.status === 404 || e.status === 405 || e.status === 403)) return false;
        throw e;
      }
    },
    staleTime: 10 * 60_000,
    retry: false,
  });
  if (q.data === true) return 'yes';
  if (q.data === false) return 'no';
  return 'unknown';
}
