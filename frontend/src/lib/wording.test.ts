import { describe, expect, it } from 'vitest';
import { errorText, expiresInText, isRawError, plural, problemText, statusText, trustShortText, trustText, usageText } from './wording';

describe('wording', () => {
  it('counts in the singular and the plural', () => {
    expect(plural(1, 'agent')).toBe('1 agent');
    expect(plural(3, 'agent')).toBe('3 agents');
    expect(plural(1200, 'domain')).toBe('1,200 domains');
  });

  it('words the codes the API answers with', () => {
    expect(statusText('due')).toBe('Renewal overdue');
    expect(problemText('hostname_mismatch')).toBe('Wrong host name');
    expect(trustText('expired_chain')).toBe('A certificate of the chain has expired');
    expect(trustShortText('trusted_org_ca')).toBe('Trusted (your CA)');
    expect(usageText('server_auth')).toBe('TLS server authentication');
    expect(usageText('1.3.6.1.4.1.311.10.3.4')).toBe('OID 1.3.6.1.4.1.311.10.3.4');
  });

  it('never shows an unknown code raw', () => {
    expect(trustText('some_new_code')).toBe('Some new code');
    expect(statusText('brand_new')).toBe('Brand new');
  });

  it('says raw Go errors plainly', () => {
    const expired = 'x509: certificate has expired or is not yet valid: current time 2026-03-01T08:00:00Z is after 2026-02-01T00:00:00Z';
    expect(errorText(expired)).toBe('A certificate of the chain has expired.');
    expect(isRawError(expired)).toBe(true);
    expect(errorText('dial tcp 127.0.0.1:1: connect: connection refused', 'refused')).toBe('The endpoint refused the connection: nothing listens on this port.');
    expect(errorText('x509: certificate signed by unknown authority')).toBe('The chain does not lead to an authority trusted here.');
    expect(errorText('lookup nope.invalid on 127.0.0.53:53: no such host', 'dns')).toBe('The host name does not resolve.');
    expect(errorText('something odd: 42', 'timeout')).toBe('The endpoint did not answer in time.');
  });

  it('keeps sentences the server wrote for people', () => {
    const s = 'the chain ends at "Example Root", which is not a trusted root';
    expect(isRawError(s)).toBe(false);
    expect(errorText(s)).toBe('The chain ends at "Example Root", which is not a trusted root');
  });

  it('says days left as a sentence', () => {
    expect(expiresInText(1)).toBe('expires in 1 day');
    expect(expiresInText(0)).toBe('expires today');
    expect(expiresInText(-2)).toBe('expired 2 days ago');
  });
});
