// The web client's REST calls: the JavaScript client (clients/js, served at /js/client/) with this browser's session,
// and the few defaults the screens use (page sizes). No HTTP code lives here.
import { createClient, ParleyError } from './client/index.js';

const SESSION_KEY = 'parley.session';

export { ParleyError as ApiError };

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

export const client = createClient({ token: () => session.token(), onUnauthorized: () => onUnauthorized() });
const api = client.api;

/** The calls the screens make, by the names they use. */
export const endpoints = {
  register: body => api.register(body),
  login: body => api.login(body),
  me: () => api.me(),
  // The HttpOnly cookie that lets <img src> of a file URL from a live event download as me (GET /api/files only).
  fileSession: () => api.startFileSession(),
  endFileSession: () => api.endFileSession(),
  searchUsers: text => api.searchUsers({ search: text, limit: 20 }),
  conversations: () => api.listConversations({ limit: 100 }),
  conversation: id => api.getConversation(id),
  createConversation: body => api.createConversation(body),
  updateConversation: (id, body) => api.updateConversation(id, body),
  deleteConversation: id => api.deleteConversation(id),
  leaveConversation: id => api.leaveConversation(id),
  addMember: (id, userId) => api.addMembers(id, { user_id: userId }),
  removeMember: (id, userId) => api.removeMember(id, userId),
  setRole: (id, userId, role) => api.setMemberRole(id, userId, { role }),
  messages: (id, { before, after, limit = 30 } = {}) => api.listMessages(id, before ? { limit, before } : { limit, after }),
  send: (id, body) => api.sendMessage(id, body),
  edit: (id, messageId, content) => api.editMessage(id, messageId, { content }),
  remove: (id, messageId) => api.deleteMessage(id, messageId),
  markRead: (id, lastMessageId) => api.markRead(id, { lastMessageId }),
  markUnread: (id, messageId) => api.markUnread(id, { messageId }),
  react: (id, messageId, emoji) => api.addReaction(id, messageId, emoji),
  unreact: (id, messageId, emoji) => api.removeReaction(id, messageId, emoji),
  pins: id => api.listPins(id),
  pin: (id, messageId) => api.pinMessage(id, messageId),
  unpin: (id, messageId) => api.unpinMessage(id, messageId),
  threadMessages: (id, rootId, { before, limit = 100 } = {}) => api.threadMessages(id, rootId, { limit, before: before || undefined }),
  threadRead: (id, rootId) => api.readThread(id, rootId),
  searchMessages: (text, cursor) => api.searchMessages({ q: text, limit: 30, cursor: cursor || undefined }),
  notifications: () => api.listNotifications({ limit: 50 }),
  readNotification: id => api.readNotification(id),
  readAllNotifications: () => api.readAllNotifications(),
  pushKey: () => api.pushKey(),
  pushSubscribe: subscription => api.pushSubscribe(subscription),
  pushUnsubscribe: endpoint => api.pushUnsubscribe(undefined, { endpoint }),
  blocked: () => api.blockedUsers(),
  block: userId => api.blockUser(userId),
  unblock: userId => api.unblockUser(userId),
  mute: (id, until) => api.muteConversation(id, until ? { until } : {}),
  unmute: id => api.unmuteConversation(id),
  report: body => api.createReport(body),
  ban: (id, userId, body = {}) => api.banMember(id, userId, body),
  timeout: (id, userId, until) => api.timeoutMember(id, userId, { until }),
  adminReports: status => api.adminReports({ limit: 100, status: status || undefined }),
  decideReport: (reportId, body) => api.decideReport(reportId, body),
  adminUsers: () => api.adminUsers({ limit: 100 }),
  suspend: (userId, body = {}) => api.suspendUser(userId, body),
  liftSuspension: userId => api.liftSuspension(userId),
  audit: () => api.auditLog({ limit: 100 }),
};

/**
 * POST /api/uploads with progress: `onProgress(fraction)`; resolves to the upload {id, url, name, contentType, size,
 * width?, height?, thumbnailUrl?}. `signal` aborts it.
 */
export const upload = (file, { conversationId, onProgress, signal } = {}) =>
  client.upload(file, { conversationId, onProgress, signal, name: file.name || 'pasted-image.png' });
