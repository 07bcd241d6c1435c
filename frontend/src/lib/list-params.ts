import { useSearchParams } from 'react-router';

/**
 * A list's state (filters, sort, page) in the query string, so that back,
 * reload and shared links keep it. update sets or (with '') removes keys;
 * any change but the page's own goes back to the first page; clear removes
 * them all.
 */
export function useListParams() {
  const [params, setParams] = useSearchParams();
  const update = (patch: Record<string, string>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(patch)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    if (!('page' in patch)) next.delete('page');
    setParams(next, { replace: true });
  };
  const clear = () => setParams(new URLSearchParams(), { replace: true });
  return { params, update, clear };
}
