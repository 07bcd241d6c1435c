import { describe, expect, it } from 'vitest';
import { distinctSNI, endpointWithSNI } from './types';

describe('endpoint labels with SNI', () => {
  it('names the SNI of one of several names on an address', () => {
    const d = { host: '10.0.0.1', port: 443, sni: 'b.example' };
    expect(distinctSNI(d)).toBe('b.example');
    expect(endpointWithSNI(d)).toBe('10.0.0.1:443 (SNI b.example)');
    expect(endpointWithSNI({ ...d, host: '::1' })).toBe('[::1]:443 (SNI b.example)');
  });

  it('leaves out an SNI that is the host, or none', () => {
    expect(endpointWithSNI({ host: 'shop.example', port: 443, sni: 'shop.example' })).toBe('shop.example:443');
    expect(distinctSNI({ host: 'shop.example', sni: '' })).toBe('');
  });
});
