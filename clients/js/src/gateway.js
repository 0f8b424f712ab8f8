// The WebSocket gateway: events in, requests with acks out, reconnect with backoff, resume by cursor, de-duplication.
//
// Every stored event carries a cursor. The gateway remembers the highest one handed out and, after any reconnect, sends
// {"type":"resume","data":{"since":cursor}} so the server replays what was missed, in order (repeated while the ack
// says hasMore). Cursors already seen are dropped, so an event that arrives both live and in a replay is handled once.
import { ParleyError } from './errors.js';
import { Listeners } from './listeners.js';

const DEFAULTS = { backoffMs: [250, 500, 1000, 2000, 4000, 8000], pingIntervalMs: 25000, ackTimeoutMs: 10000, resumeTimeoutMs: 30000, seenLimit: 5000 };
const OPEN = 1;
const valueOf = v => (typeof v === 'function' ? v() : v);

export class Gateway {
  /** @param {import('../index.js').GatewayOptions} options */
  constructor(options = {}) {
    this.options = { ...DEFAULTS, ...options };
    this.WebSocket = options.WebSocket ?? globalThis.WebSocket;
    if (!this.WebSocket) throw new TypeError('No WebSocket: pass options.WebSocket (Node before 22: run with --experimental-websocket or pass ws)');
    this.listeners = new Listeners(options.onError);
    this.cursor = typeof options.cursor === 'number' ? options.cursor : null;
    this.seen = new Set();
    this.pending = new Map();
    this.nextId = 1;
    this.attempt = 0;
    this.everOpened = false;
    this.stopped = true;
    this.status = 'offline';
    this.socket = null;
  }

  on(type, handler) { return this.listeners.add(`event:${type}`, handler); }
  onAny(handler) { return this.listeners.add('any', handler); }
  onStatus(handler) { return this.listeners.add('status', handler); }
  onResumed(handler) { return this.listeners.add('resumed', handler); }
  onAuthProblem(handler) { return this.listeners.add('auth', handler); }

  start() {
    if (!this.stopped) return;
    this.stopped = false;
    this.connectNow();
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    const socket = this.socket;
    if (socket) { this.closed(socket); socket.close(1000, 'bye'); }
    this.setStatus('offline');
  }

  /** Connect now if waiting to reconnect (the network came back, the page became visible). */
  wake() { if (!this.stopped && !this.socket) this.connectNow(); }

  /** Treat the socket as lost now (the network went away) and reconnect with backoff. */
  drop() {
    const socket = this.socket;
    if (socket) { this.closed(socket); socket.close(); }
  }

  /** Resolves true once the socket is open, or false after timeoutMs. */
  ready(timeoutMs = 3000) {
    if (this.status === 'online') return Promise.resolve(true);
    return new Promise(resolve => {
      const timer = setTimeout(() => { off(); resolve(false); }, timeoutMs);
      const off = this.onStatus(s => { if (s === 'online') { clearTimeout(timer); off(); resolve(true); } });
    });
  }

  /** A request answered by an ack: resolves with its data, rejects with a ParleyError (refused, timeout, offline, disconnected). */
  request(type, data = {}, { timeoutMs = this.options.ackTimeoutMs } = {}) {
    const socket = this.socket;
    if (socket?.readyState !== OPEN) return Promise.reject(new ParleyError(0, 'offline', 'Not connected'));
    const id = `c${this.nextId++}`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => { this.pending.delete(id); reject(new ParleyError(0, 'timeout', `No answer to ${type}`)); }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      socket.send(JSON.stringify({ type, id, data }));
    });
  }

  /** Fire and forget (typing): dropped silently when offline. */
  send(type, data = {}) {
    if (this.socket?.readyState === OPEN) this.socket.send(JSON.stringify({ type, data }));
  }

  url() {
    const o = this.options;
    const base = o.baseUrl || globalThis.location?.origin;
    const url = new URL(o.userId ? `/ws/${encodeURIComponent(o.userId)}` : '/ws', base);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    url.searchParams.set('profile', o.profile ?? 'parley');
    const credential = valueOf(o.apiKey) || valueOf(o.token);
    if (credential) url.searchParams.set('access_token', credential);
    return credential ? url.toString() : null;
  }

  connectNow() {
    clearTimeout(this.timer);
    if (this.stopped || this.socket) return;
    const url = this.url();
    if (!url) return;
    this.setStatus(this.everOpened ? 'reconnecting' : 'connecting');
    let socket;
    try { socket = new this.WebSocket(url); } catch { this.scheduleReconnect(); return; }
    this.socket = socket;
    socket.onopen = () => this.opened(socket);
    socket.onmessage = e => this.received(e.data);
    socket.onclose = e => this.closed(socket, e);
    // Browsers follow an error with a close; some WebSocket implementations (Node 20's) never close a failed handshake.
    socket.onerror = () => { if (socket.readyState !== OPEN) this.closed(socket); };
  }

  async opened(socket) {
    if (socket !== this.socket) return;
    const resume = this.everOpened || this.cursor !== null;
    this.everOpened = true;
    this.attempt = 0;
    this.setStatus('online');
    clearInterval(this.pinger);
    this.pinger = setInterval(() => this.ping(socket), this.options.pingIntervalMs);
    if (!resume) return;
    const result = await this.resume(socket);
    if (socket === this.socket) this.listeners.emit('resumed', result);
  }

  /**
   * Replays everything after our cursor; complete is false when events expired (gap) or the socket dropped again.
   * Events that arrive meanwhile, live or replayed, are held and handed out in cursor order as each ack settles them,
   * so a live event that beats the replay does not jump the queue, nor move the cursor past what is still missing.
   */
  async resume(socket) {
    let replayed = 0;
    let since = this.cursor;
    if (since === null) return { complete: false, replayed, gap: false };
    this.held = [];
    try {
      for (let round = 0; round < 1000 && socket === this.socket; round++) {
        const ack = await this.request('resume', { since }, { timeoutMs: this.options.resumeTimeoutMs });
        replayed += ack?.count ?? 0;
        if (typeof ack?.cursor === 'number' && ack.cursor > since) since = ack.cursor;
        const done = Boolean(ack?.gap || !ack?.hasMore);
        this.release(done ? Infinity : since);
        if (done) return { complete: !ack?.gap, replayed, gap: Boolean(ack?.gap) };
      }
    } catch { /* disconnected again: the next open resumes */ }
    this.forgetHeld();
    return { complete: false, replayed, gap: false };
  }

  /** Resume not settled: forget the held events, so the next resume's replay of them is not dropped as already seen. */
  forgetHeld() {
    for (const event of this.held ?? []) this.seen.delete(event.cursor);
    this.held = null;
  }

  /** Hands out the held events up to `upTo` in cursor order; Infinity ends holding. */
  release(upTo) {
    const ready = this.held.filter(e => e.cursor <= upTo).sort((a, b) => a.cursor - b.cursor);
    this.held = upTo === Infinity ? null : this.held.filter(e => e.cursor > upTo);
    for (const event of ready) this.deliver(event);
    if (upTo !== Infinity && upTo > this.cursor) this.cursor = upTo;
  }

  /** A socket that stopped answering (no ack to a ping) is treated as closed and replaced. */
  async ping(socket) {
    if (socket !== this.socket) return;
    try { await this.request('ping'); } catch (e) {
      if (e.code === 'timeout' && socket === this.socket) this.drop();
    }
  }

  received(text) {
    let frame;
    try { frame = JSON.parse(text); } catch { return; }
    if (!frame || typeof frame.type !== 'string') return;
    if (frame.type === 'ack') return this.acked(frame);
    const cursor = typeof frame.cursor === 'number' && frame.cursor > 0 ? frame.cursor : null;
    const event = { type: frame.type, cursor, data: frame.data ?? {} };
    if (cursor !== null) {
      if (this.seen.has(cursor)) return;
      this.remember(cursor);
      if (this.held) return void this.held.push(event);
    } else if (frame.type === 'ready' && this.cursor === null && typeof frame.data?.cursor === 'number') {
      // Where the log stood when we connected: resume from there if we drop before any event.
      this.cursor = frame.data.cursor;
    }
    this.deliver(event);
  }

  deliver(event) {
    if (event.cursor !== null && (this.cursor === null || event.cursor > this.cursor)) this.cursor = event.cursor;
    this.listeners.emit(`event:${event.type}`, event.data, event);
    this.listeners.emit('any', event);
  }

  acked(frame) {
    const waiter = this.pending.get(frame.id);
    if (!waiter) return;
    this.pending.delete(frame.id);
    clearTimeout(waiter.timer);
    if (frame.ok === false) waiter.reject(ParleyError.from(frame.error?.status ?? 0, frame));
    else waiter.resolve(frame.data ?? null);
  }

  remember(cursor) {
    this.seen.add(cursor);
    if (this.seen.size > this.options.seenLimit) {
      const oldest = [...this.seen].sort((a, b) => a - b).slice(0, this.seen.size - this.options.seenLimit / 2);
      for (const c of oldest) this.seen.delete(c);
    }
  }

  closed(socket, event) {
    if (socket !== this.socket) return;
    this.socket = null;
    this.forgetHeld();
    socket.onopen = socket.onmessage = socket.onclose = null;
    clearInterval(this.pinger);
    for (const { reject, timer } of this.pending.values()) { clearTimeout(timer); reject(new ParleyError(0, 'disconnected', 'The connection closed')); }
    this.pending.clear();
    if (this.stopped) return;
    // 4401/1008: the server refused the token; the app decides (check it over REST, sign out).
    if (event && (event.code === 4401 || event.code === 1008)) this.listeners.emit('auth', event.code);
    this.scheduleReconnect();
  }

  scheduleReconnect() {
    this.setStatus(this.everOpened ? 'reconnecting' : 'offline');
    const steps = this.options.backoffMs;
    const base = steps[Math.min(this.attempt, steps.length - 1)];
    this.attempt++;
    // Three failures in a row may be a token refused before the upgrade (a 401 shows only as a failed connect).
    if (this.attempt === 3) this.listeners.emit('auth', 0);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.connectNow(), base + Math.random() * base * 0.3);
  }

  setStatus(status) {
    if (status === this.status) return;
    this.status = status;
    this.listeners.emit('status', status);
  }
}
