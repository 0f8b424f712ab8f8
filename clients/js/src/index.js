// @parley/client: REST calls for every route of a Parley server and its WebSocket gateway. No dependencies: fetch,
// FormData and WebSocket come from the platform (or the options).
import { Http } from './http.js';
import { bindRoutes } from './rest.js';
import { upload } from './upload.js';
import { Gateway } from './gateway.js';

export { ParleyError } from './errors.js';
export { Gateway } from './gateway.js';
export { routes, paramsOf } from './routes.js';

export class ParleyClient {
  /** @param {import('../index.js').ClientOptions} options */
  constructor(options = {}) {
    this.options = options;
    this.http = new Http(options);
    this.api = bindRoutes(this.http);
  }

  /** POST /api/uploads: a File or Blob, optionally for a conversation; onProgress(fraction) in browsers. */
  upload(file, options) { return upload(this.http, file, options); }

  /** A gateway with this client's server, credentials and profile; call start() on it. */
  gateway(options = {}) {
    const { baseUrl, token, apiKey, profile, WebSocket } = this.options;
    return new Gateway({ baseUrl, token, apiKey, profile, WebSocket, ...options });
  }
}

export const createClient = options => new ParleyClient(options);
