import { afterEach, describe, expect, it, vi } from 'vitest';
import { mockFetch } from '@/testing/render';
import { getAllDomains } from './get-domains';

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('getAllDomains', () => {
  it('follows next_cursor until the last page', async () => {
    const pages: Record<string, { items: { id: string }[]; next_cursor: string | null }> = {
      '': { items: [{ id: 'a' }, { id: 'b' }], next_cursor: 'c1' },
      c1: { items: [{ id: 'c' }, { id: 'd' }], next_cursor: 'c2' },
      c2: { items: [{ id: 'e' }], next_cursor: null },
    };
    const calls = mockFetch(({ url }) => {
      const page = pages[url.searchParams.get('cursor') ?? '']!;
      return { status: 200, body: { ...page, total: 5, page: 1, per_page: 200 } };
    });
    const all = await getAllDomains({ status: 'ok' });
    expect(all.map((d) => d.id)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(calls.map((c) => c.url.searchParams.get('cursor'))).toEqual([null, 'c1', 'c2']);
    expect(calls.every((c) => c.url.searchParams.get('status') === 'ok' && !c.url.searchParams.has('page'))).toBe(true);
  });
});
