// The one HTTP client of the dashboard. It speaks the server's JSON contract:
// errors as {"error": {code, message, field?, details?}}, a CSRF token on
// every state-changing request, the session itself in an HttpOnly cookie.

export type FieldError = { field: string; message: string };

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly field: string | undefined;
  readonly details: FieldError[];
  /** The whole parsed answer, for errors that carry more than {error} (CSV row errors). */
  readonly data: unknown;

  constructor(status: number, code: string, message: string, field?: string, details?: FieldError[], data?: unknown) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.field = field || undefined;
    this.details = details ?? [];
    this.data = data;
  }

  /** Every field error, the lead one first, without repeats. */
  fieldErrors(): FieldError[] {
    const out: FieldError[] = [...this.details];
    if (this.field && !out.some((d) => d.field === this.field)) {
      // The lead message is "field: message" for validation errors.
      const prefix = `${this.field}: `;
      const message = this.message.startsWith(prefix) ? this.message.slice(prefix.length) : this.message;
      out.unshift({ field: this.field, message });
    }
    return out;
  }
}

export const isApiError = (e: unknown): e is ApiError => e instanceof ApiError;
export const isNotFound = (e: unknown): boolean => isApiError(e) && e.status === 404;

export type Paginated<T> = { items: T[]; total: number; page: number; per_page: number };

type Params = Record<string, string | number | boolean | undefined | null>;

type RequestOptions = { params?: Params; body?: unknown; raw?: BodyInit; contentType?: string; signal?: AbortSignal };

const BASE = '/api/v1';

let csrfToken: string | null = null;
let onUnauthorized: (() => void) | null = null;

/** Kept in memory only: login, signup and /me hand it out. */
export function setCsrfToken(token: string | null) {
  csrfToken = token;
}

/** Called when a request answers 401 (the session ended elsewhere). */
export function setUnauthorizedHandler(fn: (() => void) | null) {
  onUnauthorized = fn;
}

export function buildUrl(path: string, params?: Params): string {
  const url = `${BASE}${path}`;
  if (!params) return url;
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') qs.set(k, String(v));
  }
  const s = qs.toString();
  return s ? `${url}?${s}` : url;
}

async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
  // FormData sets its own multipart boundary; other raw bodies name their type.
  if (opts.raw !== undefined && opts.contentType) headers['Content-Type'] = opts.contentType;
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers['X-CSRF-Token'] = csrfToken;

  let res: Response;
  try {
    res = await fetch(buildUrl(path, opts.params), {
      method,
      headers,
      credentials: 'same-origin',
      body: opts.raw ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body)),
      signal: opts.signal,
    });
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw new ApiError(0, 'network', 'Cannot reach the Certinel server. Check your connection and try again.');
  }

  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let data: unknown = undefined;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = undefined;
    }
  }
  if (!res.ok) {
    const err = (data as { error?: { code?: string; message?: string; field?: string; details?: FieldError[] } })?.error;
    const apiErr = new ApiError(
      res.status,
      err?.code ?? 'http_' + res.status,
      err?.message ?? `The server answered ${res.status}.`,
      err?.field,
      err?.details,
      data,
    );
    if (res.status === 401 && !path.startsWith('/auth/') && path !== '/me') onUnauthorized?.();
    throw apiErr;
  }
  return data as T;
}

export const api = {
  get: <T>(path: string, params?: Params, signal?: AbortSignal) => request<T>('GET', path, { params, signal }),
  post: <T>(path: string, body?: unknown) => request<T>('POST', path, { body: body ?? {} }),
  patch: <T>(path: string, body: unknown) => request<T>('PATCH', path, { body }),
  put: <T>(path: string, body: unknown) => request<T>('PUT', path, { body }),
  delete: <T = void>(path: string) => request<T>('DELETE', path),
  /** A non-JSON body: text/csv, or FormData (multipart, its own content type). */
  upload: <T>(path: string, raw: BodyInit, contentType?: string) => request<T>('POST', path, { raw, contentType }),
};
