// The web client's gateway: the JavaScript client's Gateway (clients/js: reconnect, resume by cursor, de-duplication),
// woken and dropped by the browser's network and visibility events.
import { Gateway as ClientGateway } from './client/index.js';

export class Gateway {
  /**
   * @param {() => string|null} token current access token
   * @param {{onEvent(type, data, cursor), onStatus(status), onReconnected(resumed: boolean), onCheckAuth()}} handlers
   */
  constructor(token, handlers) {
    this.inner = new ClientGateway({ token });
    this.inner.onAny(e => handlers.onEvent(e.type, e.data, e.cursor));
    this.inner.onStatus(status => handlers.onStatus?.(status));
    this.inner.onResumed(result => handlers.onReconnected?.(result.complete));
    this.inner.onAuthProblem(() => handlers.onCheckAuth?.());
    this.wake = () => this.inner.wake();
    this.drop = () => this.inner.drop();
  }

  start() {
    window.addEventListener('online', this.wake);
    window.addEventListener('offline', this.drop);
    document.addEventListener('visibilitychange', this.wake);
    this.inner.start();
  }

  stop() {
    window.removeEventListener('online', this.wake);
    window.removeEventListener('offline', this.drop);
    document.removeEventListener('visibilitychange', this.wake);
    this.inner.stop();
  }

  ready(timeoutMs) { return this.inner.ready(timeoutMs); }
  request(type, data, options) { return this.inner.request(type, data, options); }
  send(type, data) { this.inner.send(type, data); }
}
