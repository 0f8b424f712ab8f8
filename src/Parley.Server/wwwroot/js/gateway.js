// The WebSocket gateway: events in, requests with acks out, automatic reconnect and resume by cursor.
//
// Every stored event carries a cursor. We remember the highest one seen and, after any reconnect, send
// {"type":"resume","data":{"since":cursor}} so the server replays what we missed, in order. Cursors already
// seen are dropped, so an event that arrives both live and in a replay is applied once.

const BACKOFF_MS = [250, 500, 1000, 2000, 4000, 8000];
const PING_EVERY_MS = 25000;
const ACK_TIMEOUT_MS = 10000;
const SEEN_LIMIT = 5000;

export class Gateway {
  /**
   * @param {() => string|null} token current access token
   * @param {{onEvent(type, data, cursor), onStatus(status), onReconnected(resumed: boolean), onCheckAuth()}} handlers
   */
  constructor(token, handlers) {
    this.token = token;
    this.handlers = handlers;
    this.socket = null;
    this.cursor = null;
    this.seen = new Set();
    this.pending = new Map();
    this.nextId = 1;
    this.attempt = 0;
    this.everOpened = false;
    this.stopped = true;
    this.status = 'offline';
    this.timer = null;
    this.pinger = null;
    this.wake = () => { if (!this.stopped && !this.socket) this.connectNow(); };
    this.drop = () => this.socket && this.closed(this.socket);
  }

  start() {
    if (!this.stopped) return;
    this.stopped = false;
    window.addEventListener('online', this.wake);
    window.addEventListener('offline', this.drop);
    document.addEventListener('visibilitychange', this.wake);
    this.connectNow();
  }

  stop() {
    this.stopped = true;
    window.removeEventListener('online', this.wake);
    window.removeEventListener('offline', this.drop);
    document.removeEventListener('visibilitychange', this.wake);
    clearTimeout(this.timer);
    const socket = this.socket;
    if (socket) { this.closed(socket); socket.close(1000, 'bye'); }
    this.setStatus('offline');
  }

  /** Resolves once the socket is open (or after timeoutMs, whichever comes first). */
  ready(timeoutMs = 3000) {
    if (this.status === 'online') return Promise.resolve(true);
    return new Promise(resolve => {
      const done = ok => { clearTimeout(t); this.readyWaiters.delete(done); resolve(ok); };
      const t = setTimeout(() => done(false), timeoutMs);
      (this.readyWaiters ??= new Set()).add(done);
    });
  }

  /** A request answered by {"type":"ack","id","ok",…}; rejects on ok:false, timeout or disconnect. */
  request(type, data, timeoutMs = ACK_TIMEOUT_MS) {
    const socket = this.socket;
    if (!socket || socket.readyState !== WebSocket.OPEN) return Promise.reject(new Error('offline'));
    const id = `c${this.nextId++}`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => { this.pending.delete(id); reject(new Error('timeout')); }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      socket.send(JSON.stringify({ type, id, data }));
    });
  }

  /** Fire and forget (typing): dropped silently when offline. */
  send(type, data) {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify({ type, data }));
  }

  connectNow() {
    clearTimeout(this.timer);
    if (this.stopped || this.socket) return;
    const token = this.token();
    if (!token) return;
    this.setStatus(this.everOpened ? 'reconnecting' : 'connecting');
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    let socket;
    try {
      socket = new WebSocket(`${scheme}://${location.host}/ws?profile=parley&access_token=${encodeURIComponent(token)}`);
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.socket = socket;
    socket.onopen = () => this.opened(socket);
    socket.onmessage = e => this.received(e.data);
    socket.onclose = e => this.closed(socket, e);
    socket.onerror = () => { /* onclose follows */ };
  }

  async opened(socket) {
    if (socket !== this.socket) return;
    const reconnect = this.everOpened;
    this.everOpened = true;
    this.attempt = 0;
    this.setStatus('online');
    for (const done of this.readyWaiters ?? []) done(true);
    clearInterval(this.pinger);
    this.pinger = setInterval(() => this.ping(socket), PING_EVERY_MS);
    if (!reconnect) return;
    if (socket === this.socket) this.handlers.onReconnected?.(await this.resume(socket));
  }

  /**
   * Asks for every event after our cursor; they arrive as ordinary frames (de-duplicated by cursor), then an
   * ack {count, cursor, hasMore, gap}. Returns false when the replay is incomplete (gap: events expired).
   */
  async resume(socket) {
    if (this.cursor === null) return false;
    try {
      for (let round = 0; round < 100 && socket === this.socket; round++) {
        const ack = await this.request('resume', { since: this.cursor }, 30000);
        const result = ack?.data ?? {};
        if (typeof result.cursor === 'number' && result.cursor > this.cursor) this.cursor = result.cursor;
        if (result.gap) return false;
        if (!result.hasMore) return true;
      }
    } catch { /* disconnected again: the next open resumes */ }
    return false;
  }

  /** A socket that stopped answering (no ack to a ping) is treated as closed and replaced. */
  async ping(socket) {
    if (socket !== this.socket) return;
    try { await this.request('ping', {}); } catch (e) {
      if (e.message === 'timeout' && socket === this.socket) { this.closed(socket); socket.close(); }
    }
  }

  received(text) {
    let frame;
    try { frame = JSON.parse(text); } catch { return; }
    if (!frame || typeof frame.type !== 'string') return;
    if (frame.type === 'ack') {
      const waiter = this.pending.get(frame.id);
      if (!waiter) return;
      this.pending.delete(frame.id);
      clearTimeout(waiter.timer);
      if (frame.ok === false) waiter.reject(Object.assign(new Error(frame.error?.message ?? 'rejected'), { error: frame.error }));
      else waiter.resolve(frame);
      return;
    }
    const cursor = typeof frame.cursor === 'number' ? frame.cursor : null;
    if (cursor !== null) {
      if (this.seen.has(cursor)) return;
      this.remember(cursor);
    } else if (this.cursor === null && typeof frame.data?.cursor === 'number' && /^(ready|hello|welcome|connected)$/.test(frame.type)) {
      // The server's greeting may tell us where the log stands; resume from there if we drop before any event.
      this.cursor = frame.data.cursor;
    }
    this.handlers.onEvent(frame.type, frame.data ?? {}, cursor);
  }

  remember(cursor) {
    this.seen.add(cursor);
    if (this.seen.size > SEEN_LIMIT) {
      const oldest = [...this.seen].sort((a, b) => a - b).slice(0, this.seen.size - SEEN_LIMIT / 2);
      for (const c of oldest) this.seen.delete(c);
    }
    if (this.cursor === null || cursor > this.cursor) this.cursor = cursor;
  }

  closed(socket, event) {
    if (socket !== this.socket) return;
    this.socket = null;
    socket.onopen = socket.onmessage = socket.onclose = null;
    clearInterval(this.pinger);
    for (const { reject, timer } of this.pending.values()) { clearTimeout(timer); reject(new Error('disconnected')); }
    this.pending.clear();
    if (this.stopped) return;
    // 4401/1008: the server refused our token; the app checks it over REST (and signs out if it is dead).
    if (event && (event.code === 4401 || event.code === 1008)) this.handlers.onCheckAuth?.();
    this.scheduleReconnect();
  }

  scheduleReconnect() {
    this.setStatus(this.everOpened ? 'reconnecting' : 'offline');
    const base = BACKOFF_MS[Math.min(this.attempt, BACKOFF_MS.length - 1)];
    this.attempt++;
    if (this.attempt === 3) this.handlers.onCheckAuth?.();
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.connectNow(), base + Math.random() * base * 0.3);
  }

  setStatus(status) {
    if (status === this.status) return;
    this.status = status;
    this.handlers.onStatus?.(status);
  }
}
