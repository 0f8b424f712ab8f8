// The administrators' page: the report queue with its actions, users with suspend/lift, and the audit log.
import { h, fill, shortTime, confirmDialog } from '../dom.js';
import { endpoints, ApiError } from '../api.js';

const TABS = { reports: 'Reports', users: 'Users', audit: 'Audit log' };

export function openAdminPage(toast) {
  const fail = e => toast(e instanceof ApiError ? e.describe() : 'That did not work');
  const body = h('div', { class: 'admin-body', id: 'admin-body' });
  let tab = 'reports';
  const tabs = h('div', { class: 'admin-tabs', role: 'tablist' }, Object.entries(TABS).map(([key, text]) =>
    h('button', { type: 'button', role: 'tab', class: 'secondary small', id: `admin-tab-${key}`, onclick: () => show(key) }, text)));
  const dialog = h('dialog', { class: 'dialog admin-page', id: 'admin-page', 'aria-label': 'Administration' },
    h('div', { class: 'admin-head' }, h('h2', {}, 'Administration'),
      h('button', { type: 'button', class: 'secondary small', id: 'close-admin', onclick: () => dialog.close() }, 'Close')),
    tabs, body);
  dialog.addEventListener('close', () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
  show(tab);

  async function show(key) {
    tab = key;
    for (const button of tabs.children) button.setAttribute('aria-selected', String(button.id === `admin-tab-${key}`));
    fill(body, h('p', { class: 'hint' }, 'Loading…'));
    try {
      fill(body, key === 'reports' ? await reports() : key === 'users' ? await users() : await audit());
    } catch (e) { fail(e); fill(body, h('p', { class: 'hint' }, 'Could not load this.')); }
  }

  const run = async fn => { try { await fn(); await show(tab); } catch (e) { fail(e); } };

  async function reports() {
    const list = await endpoints.adminReports('open');
    if (!list.length) return h('p', { class: 'hint', id: 'no-reports' }, 'No open reports.');
    return h('ul', { class: 'admin-list', 'aria-label': 'Open reports' }, list.map(r => {
      const decide = (action, status = 'resolved') => run(() => endpoints.decideReport(r.id, { status, action }));
      return h('li', { class: 'admin-report' },
        h('p', {}, h('strong', {}, r.reason), ` · ${r.messageId ? 'message' : 'user'} by @${r.username ?? r.userId} · reported by @${r.reporterUsername ?? '?'} · ${shortTime(r.createdAt)}`),
        r.messageContent ? h('blockquote', { class: 'reported-message' }, r.messageContent) : null,
        r.details ? h('p', { class: 'hint' }, r.details) : null,
        h('div', { class: 'admin-actions' },
          r.messageId ? h('button', { type: 'button', class: 'danger small', onclick: () => decide('delete_message') }, 'Delete message') : null,
          h('button', { type: 'button', class: 'secondary small', onclick: () => decide('warn') }, 'Warn'),
          h('button', { type: 'button', class: 'danger small', onclick: async () => { if (await confirmDialog(`Suspend @${r.username}?`, 'Suspend')) decide('suspend_user'); } }, 'Suspend user'),
          h('button', { type: 'button', class: 'secondary small', onclick: () => decide('none', 'dismissed') }, 'Dismiss')));
    }));
  }

  async function users() {
    const list = await endpoints.adminUsers();
    return h('ul', { class: 'admin-list', 'aria-label': 'Users' }, list.map(u => h('li', { class: 'admin-user' },
      h('span', {}, h('strong', {}, u.name), ` @${u.username}`, u.email ? ` · ${u.email}` : '', u.isAdmin ? ' · admin' : '', u.suspended ? ' · suspended' : ''),
      u.isAdmin || u.isAgent ? null : u.suspended
        ? h('button', { type: 'button', class: 'secondary small', 'aria-label': `Lift suspension of ${u.username}`, onclick: () => run(() => endpoints.liftSuspension(u.id)) }, 'Lift suspension')
        : h('button', { type: 'button', class: 'danger small', 'aria-label': `Suspend ${u.username}`,
          onclick: async () => { if (await confirmDialog(`Suspend @${u.username}? They are signed out everywhere.`, 'Suspend')) run(() => endpoints.suspend(u.id)); } }, 'Suspend'))));
  }

  async function audit() {
    const list = await endpoints.audit();
    if (!list.length) return h('p', { class: 'hint' }, 'Nothing yet.');
    return h('table', { class: 'audit-log' },
      h('thead', {}, h('tr', {}, ['When', 'Who', 'What', 'Target', 'Reason'].map(t => h('th', {}, t)))),
      h('tbody', {}, list.map(e => h('tr', {},
        h('td', {}, shortTime(e.createdAt)), h('td', {}, `@${e.actorUsername ?? e.actorId}`), h('td', {}, e.action),
        h('td', {}, `${e.targetType} ${e.targetId.slice(0, 8)}`), h('td', {}, e.reason ?? '')))));
  }
}
