import { useState } from 'react';

/**
 * A bulk selection is of rows the user sees: it belongs to one view of a
 * list (its filters, sort, page and page size, named by scope) and is
 * forgotten when the view changes; rows that left the view (deleted, or
 * no longer matching after a refresh) drop out of it.
 */
export type Selection = { scope: string; ids: ReadonlySet<string> };

const none: ReadonlySet<string> = new Set();

/** The selected ids that are still visible in the view named scope. */
export function selectedIn(s: Selection, scope: string, visible: readonly string[]): string[] {
  if (s.scope !== scope) return [];
  return visible.filter((id) => s.ids.has(id));
}

export function toggled(s: Selection, scope: string, id: string): Selection {
  const ids = new Set(s.scope === scope ? s.ids : none);
  if (ids.has(id)) ids.delete(id);
  else ids.add(id);
  return { scope, ids };
}

/** Every visible row selected, or (when all already are) none. */
export function toggledAll(s: Selection, scope: string, visible: readonly string[]): Selection {
  const all = visible.length > 0 && selectedIn(s, scope, visible).length === visible.length;
  return { scope, ids: all ? none : new Set(visible) };
}

/**
 * The selection of the list view named scope, whose visible rows are
 * visible (in order). selected keeps the rows' order.
 */
export function useSelection(scope: string, visible: readonly string[]) {
  const [s, setS] = useState<Selection>({ scope, ids: none });
  const selected = selectedIn(s, scope, visible);
  const set = new Set(selected);
  return {
    selected,
    has: (id: string) => set.has(id),
    allVisible: visible.length > 0 && selected.length === visible.length,
    toggle: (id: string) => setS((cur) => toggled(cur, scope, id)),
    toggleAll: () => setS((cur) => toggledAll(cur, scope, visible)),
    /** Keeps only ids (e.g. those a bulk action could not change). */
    keep: (ids: readonly string[]) => setS({ scope, ids: new Set(ids) }),
    clear: () => setS({ scope, ids: none }),
  };
}
