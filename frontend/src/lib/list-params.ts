import { useContext, useEffect, useRef, useState } from 'react';
import { UNSAFE_DataRouterStateContext, useSearchParams } from 'react-router';

/** The page sizes a list offers; the server answers at most 200 a page. */
export const PAGE_SIZES = [25, 50, 100, 200] as const;

/**
 * The query string after a patch: each key set, or removed when its value
 * is ''. Any change but the page's own goes back to the first page, since
 * the old page number means nothing in another list.
 */
export function patchParams(current: URLSearchParams, patch: Record<string, string>): URLSearchParams {
  const next = new URLSearchParams(current);
  for (const [k, v] of Object.entries(patch)) {
    if (v) next.set(k, v);
    else next.delete(k);
  }
  if (!('page' in patch) || patch.page === '1') next.delete('page');
  return next;
}

/** A page number or size from the query string, or the default. */
export function pageOf(params: URLSearchParams): number {
  return Math.max(1, Math.floor(Number(params.get('page'))) || 1);
}

export function perPageOf(params: URLSearchParams, fallback: number): number {
  const n = Number(params.get('per_page'));
  return (PAGE_SIZES as readonly number[]).includes(n) ? n : fallback;
}

/**
 * A list's state (filters, sort, page, page size) in the query string, so
 * that back, reload and shared links keep it. update applies a patch (see
 * patchParams) to the query string as it is when called, not as it was
 * when the caller rendered: a debounced search landing after a status was
 * chosen keeps that status. clear removes every key but those in keep.
 * While the user is leaving for another page (a lazy route still loading
 * keeps this one on screen), updates are dropped: a search landing then
 * would cancel that navigation and bring them back here.
 */
export function useListParams(defaultPerPage = 50) {
  const [params, setParams] = useSearchParams();
  // The latest query string, for updates made from timers and callbacks
  // created in an earlier render.
  const latest = useRef(params);
  latest.current = params;
  // Null outside a data router (component tests): nobody leaves then.
  const router = useContext(UNSAFE_DataRouterStateContext);
  const leaving = useRef(false);
  leaving.current = Boolean(router && router.navigation.state !== 'idle' && router.navigation.location?.pathname !== router.location.pathname);
  const update = (patch: Record<string, string>) => {
    if (leaving.current) return;
    const next = patchParams(latest.current, patch);
    latest.current = next;
    setParams(next, { replace: true });
  };
  const clear = (keep: string[] = []) => {
    const next = new URLSearchParams();
    for (const k of keep) {
      const v = latest.current.get(k);
      if (v) next.set(k, v);
    }
    latest.current = next;
    setParams(next, { replace: true });
  };
  return {
    params,
    update,
    clear,
    page: pageOf(params),
    perPage: perPageOf(params, defaultPerPage),
    setPage: (p: number) => update({ page: String(p) }),
    setPerPage: (n: number) => update({ per_page: n === defaultPerPage ? '' : String(n) }),
  };
}

/**
 * A text filter kept in the URL under key, applied as one types: the
 * field's text is local, and reaches the URL once typing pauses. When the
 * URL changes otherwise (back, clear filters), the field follows it.
 */
export function useTextParam(list: ReturnType<typeof useListParams>, key: string, delayMs = 300) {
  const applied = list.params.get(key) ?? '';
  const [text, setText] = useState(applied);
  const [seen, setSeen] = useState(applied);
  if (seen !== applied) {
    // The URL moved without this field: show what it says now.
    setSeen(applied);
    setText(applied);
  }
  const { update } = list;
  const updateRef = useRef(update);
  updateRef.current = update;
  useEffect(() => {
    const value = text.trim();
    if (value === applied) return;
    const t = setTimeout(() => {
      setSeen(value);
      updateRef.current({ [key]: value });
    }, delayMs);
    return () => clearTimeout(t);
  }, [text, applied, key, delayMs]);
  return [text, setText] as const;
}
