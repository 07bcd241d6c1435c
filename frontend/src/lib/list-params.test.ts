import { describe, expect, it } from 'vitest';
import { pageOf, patchParams, perPageOf } from './list-params';

describe('list params', () => {
  it('keeps every other filter when one changes, and goes back to page 1', () => {
    const next = patchParams(new URLSearchParams('q=web&status=expired&page=3&per_page=100'), { q: '' });
    expect(next.toString()).toBe('status=expired&per_page=100');
  });

  it('moves pages without touching filters', () => {
    expect(patchParams(new URLSearchParams('tag=prod'), { page: '2' }).toString()).toBe('tag=prod&page=2');
    expect(patchParams(new URLSearchParams('tag=prod&page=2'), { page: '1' }).toString()).toBe('tag=prod');
  });

  it('reads page and page size, refusing what the server would not answer', () => {
    expect(pageOf(new URLSearchParams('page=4'))).toBe(4);
    expect(pageOf(new URLSearchParams('page=-2'))).toBe(1);
    expect(perPageOf(new URLSearchParams('per_page=100'), 50)).toBe(100);
    expect(perPageOf(new URLSearchParams('per_page=5000'), 50)).toBe(50);
  });
});
