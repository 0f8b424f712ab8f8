// One HTTP request in Parley's envelope: {success, statusCode, message, data} or {…, error: {code, message, status, details}}.
import { ParleyError, networkError } from './errors.js';

const valueOf = v => (typeof v === 'function' ? v() : v);

export class Http {
  /** @param {import('../index.js').ClientOptions} options */
  constructor(options = {}) {
    this.baseUrl = (options.baseUrl ?? '').replace(/\/+$/, '');
    this.options = options;
    this.fetch = options.fetch ?? ((...args) => globalThis.fetch(...args));
  }

  /** The headers that say who is calling and in which dialect (Parley's own, whatever the server's default profile). */
  headers() {
    const o = this.options;
    const headers = { Accept: 'application/json', 'Parley-Profile': o.profile ?? 'parley', ...o.headers };
    const token = valueOf(o.token);
    const apiKey = valueOf(o.apiKey);
    if (apiKey) headers.Authorization = `ApiKey ${apiKey}`;
    else if (token) headers.Authorization = `Bearer ${token}`;
    const actAs = valueOf(o.actAs);
    if (apiKey && actAs) headers['Parley-Act-As'] = actAs;
    return headers;
  }

  url(path, query) {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value === undefined || value === null) continue;
      for (const v of Array.isArray(value) ? value : [value]) params.append(key, v instanceof Date ? v.toISOString() : String(v));
    }
    const search = params.toString();
    return `${this.baseUrl}${path}${search ? `?${search}` : ''}`;
  }

  /**
   * Sends the request and returns the envelope's `data`; `raw` returns the Response itself (file downloads, metrics).
   * Failures reject with a ParleyError; a 401 to an authenticated call also tells `onUnauthorized`.
   */
  async request(method, path, { body, query, raw = false, signal } = {}) {
    const headers = this.headers();
    const init = { method, headers, signal };
    if (body instanceof FormData) init.body = body;
    else if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await this.fetch(this.url(path, query), init);
    } catch (e) {
      if (e?.name === 'AbortError') throw new ParleyError(0, 'aborted', 'Request cancelled');
      throw networkError();
    }
    if (raw && response.ok) return response;
    return this.read(response, headers.Authorization !== undefined);
  }

  async read(response, authenticated) {
    let envelope = null;
    const text = await response.text().catch(() => '');
    try { envelope = text ? JSON.parse(text) : null; } catch { /* not JSON: handled below */ }
    if (response.ok && envelope?.success !== false) {
      return envelope && typeof envelope === 'object' && 'success' in envelope ? envelope.data ?? null : envelope;
    }
    if (response.status === 401 && authenticated) this.options.onUnauthorized?.();
    throw ParleyError.from(response.status, envelope);
  }
}
