/**
 * The console's only way to the API: same origin, the session cookie, the CSRF token on writes,
 * the role acted in; errors become `ApiError` with the Italian message for the user.
 */
import { errorMessageIt } from './labels';

export interface FieldProblem {
  field: string;
  problem: string;
  problemIt?: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    /** What the user reads (Italian). */
    readonly messageIt: string,
    readonly fields: FieldProblem[] = [],
    readonly detail?: string,
  ) {
    super(messageIt);
  }
}

const state: { csrf?: string; actingRole?: string; onUnauthenticated?: () => void } = {};

/** Set by the session provider once the session is known. */
export function configureApi(opts: { csrf?: string; actingRole?: string; onUnauthenticated?: () => void }): void {
  Object.assign(state, opts);
}

export interface RequestOptions {
  body?: unknown;
  /** Raw bytes (document upload). */
  raw?: Blob | ArrayBuffer;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Answer the raw Response (downloads). */
  asResponse?: boolean;
}

export async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json', ...(opts.headers ?? {}) };
  if (method !== 'GET' && method !== 'HEAD' && state.csrf) headers['X-CSRF-Token'] = state.csrf;
  if (state.actingRole) headers['X-Acting-Role'] = state.actingRole;
  let body: BodyInit | undefined;
  if (opts.raw !== undefined) {
    body = opts.raw;
    headers['Content-Type'] ??= 'application/octet-stream';
  } else if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers['Content-Type'] = 'application/json';
  }
  let res: Response | undefined;
  // A read that found no answer at all (a connection dropped on the way, a server restarting) is
  // asked again twice, after 0.3 s and 1 s; a write is never repeated (it may have been done).
  const waits = method === 'GET' || method === 'HEAD' ? [300, 1000] : [];
  for (let attempt = 0; !res; attempt++) {
    try {
      res = await fetch(path, { method, headers, body, credentials: 'same-origin', signal: opts.signal });
    } catch (err) {
      if ((err as Error).name === 'AbortError') throw err;
      if (attempt >= waits.length) throw new ApiError(0, 'NETWORK', 'Il server non risponde: controllare la connessione e riprovare');
      await new Promise((r) => setTimeout(r, waits[attempt]));
      if (opts.signal?.aborted) throw new DOMException('Aborted', 'AbortError');
    }
  }
  if (res.ok) {
    if (opts.asResponse) return res as unknown as T;
    if (res.status === 204) return undefined as T;
    const text = await res.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }
  let payload: { code?: string; messageIt?: string; message?: string; fields?: FieldProblem[]; detail?: string } = {};
  try {
    payload = (await res.json()) as typeof payload;
  } catch {
    /* not JSON */
  }
  const code = payload.code ?? `HTTP_${res.status}`;
  if (res.status === 401) state.onUnauthenticated?.();
  throw new ApiError(res.status, code, errorMessageIt(code, payload.messageIt, payload.detail), payload.fields ?? [], payload.detail);
}

export const get = <T>(path: string, opts?: RequestOptions) => request<T>('GET', path, opts);
export const post = <T>(path: string, body?: unknown, opts?: RequestOptions) => request<T>('POST', path, { ...opts, body });
export const put = <T>(path: string, body?: unknown, opts?: RequestOptions) => request<T>('PUT', path, { ...opts, body });
export const del = <T>(path: string, opts?: RequestOptions) => request<T>('DELETE', path, opts);

/** Query string from defined values only. */
export function qs(params: Record<string, string | number | boolean | undefined | null>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
}
