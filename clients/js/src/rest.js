// Turns the route table into methods: client.api.sendMessage(conversationId, body) and the like.
import { routes, paramsOf } from './routes.js';

const hasBody = method => method !== 'GET' && method !== 'HEAD';

/** Fills '{name}' in the template with the arguments, URL-encoded; a missing one is a TypeError, not a request to '/undefined'. */
function fill(name, template, names, args) {
  return names.reduce((path, param, i) => {
    const value = args[i];
    if (value === undefined || value === null || value === '') throw new TypeError(`${name}: ${param} is required`);
    return path.replace(`{${param}}`, encodeURIComponent(String(value)));
  }, template);
}

/**
 * GET and HEAD take (…pathParams, query?, options?); the others (…pathParams, body?, query?, options?).
 * POST, PUT and PATCH send `{}` when no body is given (the server reads a JSON object); DELETE sends none.
 */
export function bindRoutes(http) {
  const api = {};
  for (const [name, method, template, kind] of routes) {
    const names = paramsOf(template);
    api[name] = (...args) => {
      const path = fill(name, template, names, args);
      const rest = args.slice(names.length);
      const [body, query, options] = hasBody(method) ? rest : [undefined, ...rest];
      const payload = body === undefined && method !== 'DELETE' && hasBody(method) ? {} : body;
      return http.request(method, path, { body: payload, query, raw: kind === 'raw', signal: options?.signal });
    };
  }
  return api;
}
