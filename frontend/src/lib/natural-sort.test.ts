import { describe, expect, it } from 'vitest';
import { naturalSortBy } from './natural-sort';

describe('naturalSortBy', () => {
  it('orders numbers in host names and addresses as numbers', () => {
    const hosts = ['127.0.1.100', 'web10.example', '127.0.1.15', 'Web2.example', '10.0.0.10', '10.0.0.2', 'a.example'];
    expect(naturalSortBy(hosts, (h) => h)).toEqual(['10.0.0.2', '10.0.0.10', '127.0.1.15', '127.0.1.100', 'a.example', 'Web2.example', 'web10.example']);
  });

  it('breaks ties with the given comparison', () => {
    const rows = [{ h: 'x', p: 8443 }, { h: 'x', p: 443 }];
    expect(naturalSortBy(rows, (r) => r.h, (a, b) => a.p - b.p).map((r) => r.p)).toEqual([443, 8443]);
  });
});
