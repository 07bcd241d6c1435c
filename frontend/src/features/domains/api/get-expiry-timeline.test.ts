import { describe, expect, it } from 'vitest';
import { bucketByDay } from './get-expiry-timeline';

const d = (id: string, notAfter: string | null) => ({ id, host: `${id}.example`, port: 443, not_after: notAfter, days_left: null });

describe('bucketByDay', () => {
  it('groups expiries per calendar day and counts the overdue apart', () => {
    const now = new Date(2026, 0, 10, 12, 0, 0);
    const t = bucketByDay(
      [
        d('a', new Date(2026, 0, 10, 18).toISOString()),
        d('b', new Date(2026, 0, 12, 1).toISOString()),
        d('c', new Date(2026, 0, 12, 23).toISOString()),
        d('gone', new Date(2026, 0, 9).toISOString()),
        d('never', null),
        d('far', new Date(2026, 5, 1).toISOString()),
      ],
      now,
      90,
    );
    expect(t.days).toHaveLength(90);
    expect(t.days[0]!.domains.map((x) => x.id)).toEqual(['a']);
    expect(t.days[2]!.domains.map((x) => x.id)).toEqual(['b', 'c']);
    expect(t.days[89]!.domains.map((x) => x.id)).toEqual(['far']);
    expect(t.overdue).toBe(1);
  });
});
