// Handlers by name. A handler that throws is reported (onError, else console.error) and the others still run.

export class Listeners {
  constructor(onError) {
    this.map = new Map();
    this.onError = onError ?? (e => console.error('Parley gateway handler failed', e));
  }

  add(name, handler) {
    if (typeof handler !== 'function') throw new TypeError('handler must be a function');
    if (!this.map.has(name)) this.map.set(name, new Set());
    this.map.get(name).add(handler);
    return () => this.map.get(name)?.delete(handler);
  }

  emit(name, ...args) {
    for (const handler of [...(this.map.get(name) ?? [])]) {
      try { handler(...args); } catch (e) { this.onError(e); }
    }
  }
}
