import { describe, expect, it } from 'vitest';
import { selectedIn, toggled, toggledAll, type Selection } from './selection';

const empty: Selection = { scope: 'a', ids: new Set() };

describe('selection', () => {
  it('is of visible rows only, in their order', () => {
    let s = toggled(empty, 'a', 'x');
    s = toggled(s, 'a', 'gone');
    s = toggled(s, 'a', 'w');
    expect(selectedIn(s, 'a', ['w', 'x', 'y'])).toEqual(['w', 'x']);
  });

  it('is forgotten when the view changes', () => {
    const s = toggledAll(empty, 'status=ok', ['a', 'b', 'c']);
    expect(selectedIn(s, 'status=ok', ['a', 'b', 'c'])).toHaveLength(3);
    expect(selectedIn(s, 'status=expired', ['a', 'b'])).toEqual([]);
    // A toggle in the new view starts afresh.
    expect(selectedIn(toggled(s, 'status=expired', 'a'), 'status=expired', ['a', 'b'])).toEqual(['a']);
  });

  it('selects every visible row, or none when all already are', () => {
    const all = toggledAll(empty, 'a', ['p', 'q']);
    expect(selectedIn(all, 'a', ['p', 'q'])).toEqual(['p', 'q']);
    expect(selectedIn(toggledAll(all, 'a', ['p', 'q']), 'a', ['p', 'q'])).toEqual([]);
    const one = toggled(empty, 'a', 'p');
    expect(selectedIn(toggledAll(one, 'a', ['p', 'q']), 'a', ['p', 'q'])).toEqual(['p', 'q']);
  });
});
