import { describe, expect, it } from 'vitest';
import { certificateTone, daysUntil } from './certificate';

const now = new Date('2026-11-29T12:00:00Z');

describe('agent certificate expiry', () => {
  it('counts whole days left', () => {
    expect(daysUntil('2026-12-06T12:00:00Z', now)).toBe(7);
    expect(daysUntil('2026-11-30T11:00:00Z', now)).toBe(0);
    expect(daysUntil('2026-11-28T12:00:00Z', now)).toBe(-1);
  });

  it('colours by lifetime: green until the renewal is due after two thirds, amber after, red once expired', () => {
    const issued = '2026-11-27T12:00:00Z'; // a 7-day certificate, 2 days old
    expect(certificateTone('2026-12-04T12:00:00Z', issued, now)).toBe('good');
    expect(certificateTone('2026-11-30T12:00:00Z', '2026-11-23T12:00:00Z', now)).toBe('warning');
    expect(certificateTone('2026-11-29T11:00:00Z', '2026-11-22T11:00:00Z', now)).toBe('critical');
    expect(certificateTone('2026-12-01T12:00:00Z', null, now)).toBe('good');
  });
});
