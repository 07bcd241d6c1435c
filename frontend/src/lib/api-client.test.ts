import { afterEach, describe, expect, it, vi } from 'vitest';
import { mockFetch } from '@/testing/render';
import { api, ApiError, setCsrfToken, setUnauthorizedHandler } from './api-client';

afterEach(() => {
  vi.unstubAllGlobals();
  setCsrfToken(null);
  setUnauthorizedHandler(null);
});

describe('api client', () => {
  it('sends the CSRF token on state-changing requests only', async () => {
    const calls = mockFetch(() => ({ status: 200, body: { ok: true } }));
    setCsrfToken('tok-123');
    await api.get('/domains', { q: 'a b', status: '', page: 2 });
    await api.post('/domains', { host: 'x' });
    await api.delete('/domains/1');
    expect(calls[0]!.headers.get('X-CSRF-Token')).toBeNull();
    expect(calls[0]!.url.search).toBe('?q=a+b&page=2');
    expect(calls[1]!.headers.get('X-CSRF-Token')).toBe('tok-123');
    expect(calls[1]!.headers.get('Content-Type')).toBe('application/json');
    expect(calls[1]!.body).toEqual({ host: 'x' });
    expect(calls[2]!.method).toBe('DELETE');
    expect(calls[2]!.headers.get('X-CSRF-Token')).toBe('tok-123');
  });

  it('turns error bodies into ApiError with field errors', async () => {
    mockFetch(() => ({
      status: 400,
      body: { error: { code: 'validation_failed', message: 'port: must be between 1 and 65535', field: 'port', details: [{ field: 'port', message: 'must be between 1 and 65535' }, { field: 'sni', message: 'bad' }] } },
    }));
    const err = (await api.post('/domains', {}).catch((e: unknown) => e)) as ApiError;
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(400);
    expect(err.fieldErrors()).toEqual([
      { field: 'port', message: 'must be between 1 and 65535' },
      { field: 'sni', message: 'bad' },
    ]);
  });

  it('uses the lead field when there are no details', async () => {
    mockFetch(() => ({ status: 409, body: { error: { code: 'conflict', message: 'already monitored', field: 'host' } } }));
    const err = (await api.post('/domains', {}).catch((e: unknown) => e)) as ApiError;
    expect(err.fieldErrors()).toEqual([{ field: 'host', message: 'already monitored' }]);
  });

  it('reports a 401 outside the auth endpoints', async () => {
    const onUnauthorized = vi.fn();
    setUnauthorizedHandler(onUnauthorized);
    mockFetch(() => ({ status: 401, body: { error: { code: 'unauthorized', message: 'missing or invalid credentials' } } }));
    await expect(api.get('/me')).rejects.toThrow('missing or invalid credentials');
    await expect(api.post('/auth/login', {})).rejects.toThrow();
    expect(onUnauthorized).not.toHaveBeenCalled();
    await expect(api.get('/domains')).rejects.toThrow();
    expect(onUnauthorized).toHaveBeenCalledTimes(1);
  });

  it('answers undefined for 204 and a friendly error when offline', async () => {
    mockFetch(() => ({ status: 204 }));
    await expect(api.delete('/tokens/1')).resolves.toBeUndefined();
    vi.stubGlobal('fetch', vi.fn(async () => { throw new TypeError('Failed to fetch'); }));
    await expect(api.get('/domains')).rejects.toMatchObject({ status: 0, code: 'network' });
  });
});
