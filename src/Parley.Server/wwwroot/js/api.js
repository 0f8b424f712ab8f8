// REST calls in DESIGN.md's envelope: {success, statusCode, message, data} or {…, error: {code, message, details}}.

const SESSION_KEY = 'parley.session';

export class ApiError extends Error {
  constructor(status, code, message, details) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }

  /** "name: Name must be 1 to 100 characters" for validation failures, the message otherwise. */
  describe() {
    const fields = Object.values(this.details ?? {}).flat().filter(x => typeof x === 'string');
    return fields.length ? fields.join(' ') : this.message;
  }
}

export const session = {
  get() {
    try { return JSON.parse(localStorage.getItem(SESSION_KEY)); } catch { return null; }
  },
  set(value) { localStorage.setItem(SESSION_KEY, JSON.stringify(value)); },
  clear() { localStorage.removeItem(SESSION_KEY); },
  token() { return this.get()?.token ?? null; },
};

/** Called with no arguments when a request comes back 401 (expired or revoked token). */
let onUnauthorized = () => {};
export function setUnauthorizedHandler(fn) { onUnauthorized = fn; }

export async function request(method, path, body) {
  // Parley's own dialect, whatever profile the server defaults to (Compat__Profile).
  const headers = { Accept: 'application/json', 'Parley-Profile': 'parley' };
  const token = session.token();
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(`/api${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, 'network', 'Cannot reach the server. Check your connection.');
  }
  let envelope = null;
  try { envelope = await response.json(); } catch { /* not JSON: handled below */ }
  if (response.ok && envelope?.success !== false) return envelope?.data ?? null;
  const error = envelope?.error ?? {};
  if (response.status === 401 && token) onUnauthorized();
  throw new ApiError(response.status, error.code ?? 'error', error.message ?? envelope?.message ?? `Request failed (${response.status})`, error.details);
}

export const api = {
  get: path => request('GET', path),
  post: (path, body = {}) => request('POST', path, body),
  put: (path, body = {}) => request('PUT', path, body),
  del: (path, body) => request('DELETE', path, body),
};

const q = encodeURIComponent;

/** The endpoints the client uses, in one place. */
export const endpoints = {
  register: body => api.post('/auth/register', body),
  login: body => api.post('/auth/login', body),
  me: () => api.get('/users/me'),
  // The HttpOnly cookie that lets <img src> of a file URL from a live event download as me (GET /api/files only).
  fileSession: () => api.post('/files/session'),
  endFileSession: () => api.del('/files/session'),
  searchUsers: text => api.get(`/users?search=${q(text)}&limit=20`),
  conversations: () => api.get('/conversations?limit=100'),
  conversation: id => api.get(`/conversations/${q(id)}`),
  createConversation: body => api.post('/conversations', body),
  updateConversation: (id, body) => api.put(`/conversations/${q(id)}`, body),
  deleteConversation: id => api.del(`/conversations/${q(id)}`),
  leaveConversation: id => api.del(`/conversations/${q(id)}/leave`),
  addMember: (id, userId) => api.post(`/conversations/${q(id)}/members`, { user_id: userId }),
  removeMember: (id, userId) => api.del(`/conversations/${q(id)}/members/${q(userId)}`),
  setRole: (id, userId, role) => api.put(`/conversations/${q(id)}/members/${q(userId)}/role`, { role }),
  messages: (id, { before, after, limit = 30 } = {}) => {
    const cursor = before ? `&before=${before}` : after !== undefined ? `&after=${after}` : '';
    return api.get(`/conversations/${q(id)}/messages?limit=${limit}${cursor}`);
  },
  send: (id, body) => api.post(`/conversations/${q(id)}/messages`, body),
  edit: (id, messageId, content) => api.put(`/conversations/${q(id)}/messages/${q(messageId)}`, { content }),
  remove: (id, messageId) => api.del(`/conversations/${q(id)}/messages/${q(messageId)}`),
  markRead: (id, lastMessageId) => api.post(`/conversations/${q(id)}/read`, { lastMessageId }),
  markUnread: (id, messageId) => api.post(`/conversations/${q(id)}/unread`, { messageId }),
  react: (id, messageId, emoji) => api.put(`/conversations/${q(id)}/messages/${q(messageId)}/reactions/${q(emoji)}`),
  unreact: (id, messageId, emoji) => api.del(`/conversations/${q(id)}/messages/${q(messageId)}/reactions/${q(emoji)}`),
  pins: id => api.get(`/conversations/${q(id)}/pins`),
  pin: (id, messageId) => api.put(`/conversations/${q(id)}/pins/${q(messageId)}`),
  unpin: (id, messageId) => api.del(`/conversations/${q(id)}/pins/${q(messageId)}`),
  threadMessages: (id, rootId, { before, limit = 100 } = {}) =>
    api.get(`/conversations/${q(id)}/threads/${q(rootId)}/messages?limit=${limit}${before ? `&before=${before}` : ''}`),
  threadRead: (id, rootId) => api.post(`/conversations/${q(id)}/threads/${q(rootId)}/read`),
  searchMessages: (text, cursor) => api.get(`/search/messages?q=${q(text)}&limit=30${cursor ? `&cursor=${q(cursor)}` : ''}`),
  notifications: () => api.get('/notifications?limit=50'),
  readNotification: id => api.put(`/notifications/${q(id)}/read`),
  readAllNotifications: () => api.put('/notifications/read-all'),
  pushKey: () => api.get('/push/key'),
  pushSubscribe: subscription => api.post('/push/subscriptions', subscription),
  pushUnsubscribe: endpoint => api.del(`/push/subscriptions?endpoint=${q(endpoint)}`),
  blocked: () => api.get('/users/blocked'),
  block: userId => api.put(`/users/${q(userId)}/block`),
  unblock: userId => api.del(`/users/${q(userId)}/block`),
  mute: (id, until) => api.put(`/conversations/${q(id)}/mute`, until ? { until } : {}),
  unmute: id => api.del(`/conversations/${q(id)}/mute`),
  report: body => api.post('/reports', body),
  ban: (id, userId, body = {}) => api.put(`/conversations/${q(id)}/bans/${q(userId)}`, body),
  timeout: (id, userId, until) => api.put(`/conversations/${q(id)}/members/${q(userId)}/timeout`, { until }),
  adminReports: status => api.get(`/admin/reports?limit=100${status ? `&status=${q(status)}` : ''}`),
  decideReport: (reportId, body) => api.put(`/admin/reports/${q(reportId)}`, body),
  adminUsers: () => api.get('/admin/users?limit=100'),
  suspend: (userId, body = {}) => api.put(`/admin/users/${q(userId)}/suspension`, body),
  liftSuspension: userId => api.del(`/admin/users/${q(userId)}/suspension`),
  audit: () => api.get('/admin/audit?limit=100'),
};

/**
 * POST /api/uploads as multipart/form-data through XMLHttpRequest, which (unlike fetch) reports upload progress.
 * `onProgress(fraction)`; resolves to the upload {id, url, name, contentType, size, width?, height?, thumbnailUrl?}.
 * `signal` aborts it.
 */
export function upload(file, { conversationId, onProgress, signal } = {}) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/uploads');
    const token = session.token();
    if (token) xhr.setRequestHeader('Authorization', `Bearer ${token}`);
    xhr.responseType = 'json';
    xhr.upload.onprogress = e => { if (e.lengthComputable) onProgress?.(e.loaded / e.total); };
    xhr.onload = () => {
      const envelope = xhr.response;
      if (xhr.status >= 200 && xhr.status < 300 && envelope?.success !== false) return resolve(envelope?.data);
      const error = envelope?.error ?? {};
      if (xhr.status === 401 && token) onUnauthorized();
      reject(new ApiError(xhr.status, error.code ?? 'error', error.message ?? `Upload failed (${xhr.status})`, error.details));
    };
    xhr.onerror = () => reject(new ApiError(0, 'network', 'Cannot reach the server. Check your connection.'));
    xhr.onabort = () => reject(new ApiError(0, 'aborted', 'Upload cancelled'));
    signal?.addEventListener('abort', () => xhr.abort());
    const form = new FormData();
    if (conversationId) form.append('conversationId', conversationId);
    form.append('file', file, file.name || 'pasted-image.png');
    xhr.send(form);
  });
}
