// Every failure the client reports is a ParleyError: HTTP errors from the envelope's `error`, refused gateway
// requests from the ack's `error`, and the client's own (network, timeout, offline) with status 0.

export class ParleyError extends Error {
  constructor(status, code, message, details) {
    super(message);
    this.name = 'ParleyError';
    this.status = status;
    this.code = code;
    this.details = details;
  }

  /** The field problems of a validation failure joined ("Name must be 1 to 100 characters"), else the message. */
  describe() {
    const fields = Object.values(this.details ?? {}).flat().filter(x => typeof x === 'string');
    return fields.length ? fields.join(' ') : this.message;
  }

  /** From an error envelope body (or an ack's `error`), whatever parts of it are there. */
  static from(status, body) {
    const error = body?.error && typeof body.error === 'object' ? body.error : {};
    const message = error.message ?? (typeof body?.error === 'string' ? body.error : null) ?? body?.message ?? `Request failed (${status})`;
    return new ParleyError(error.status ?? status, error.code ?? 'error', message, error.details);
  }
}

export const networkError = () => new ParleyError(0, 'network', 'Cannot reach the server. Check your connection.');
