// Small pieces several views share: avatars with presence dots, one-line message summaries.
import { h, icon } from '../dom.js';
import { state } from '../store.js';

const PALETTE = ['#4f46e5', '#0891b2', '#059669', '#d97706', '#dc2626', '#7c3aed', '#db2777', '#2563eb'];

function colorFor(id = '') {
  let hash = 0;
  for (const ch of id) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  return PALETTE[hash % PALETTE.length];
}

function initials(name = '?') {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  return ((parts[0]?.[0] ?? '?') + (parts.length > 1 ? parts[parts.length - 1][0] : '')).toUpperCase();
}

/** A round avatar; with `status` it carries a presence dot (the status is also in the accessible name). */
export function avatar(name, id, status, kind = '') {
  const el = h('span', { class: `avatar ${kind}`, style: `--avatar:${colorFor(id)}`, 'aria-hidden': 'true' },
    kind === 'group' ? icon('hash') : kind === 'channel' ? icon('megaphone') : initials(name));
  if (status !== undefined) el.append(h('span', { class: `presence presence-${presenceClass(status)}` }));
  return el;
}

export function presenceClass(status) {
  return ['online', 'away', 'busy'].includes(status) ? status : status === 'offline' || status === 'invisible' ? 'offline' : 'custom';
}

export const TYPE_LABELS = {
  file: 'File', visitor: 'Visitor', checkin: 'Check-in', checkout: 'Check-out', task: 'Task', note: 'Note',
  splitMoney: 'Split money', system: 'Update',
};

/** One line for lists and previews. */
export function summary(m) {
  if (!m) return '';
  if (m.deleted) return 'Message deleted';
  const type = m.type ?? m.messageType ?? 'text';
  const text = m.content ?? m.message ?? '';
  if (type === 'text' || type === 'system') return text;
  return `${TYPE_LABELS[type] ?? type}${text ? `: ${text}` : ''}`;
}

export function senderPrefix(m, conversation) {
  if (!m || m.type === 'system') return '';
  if (m.senderId === state.me?.id) return 'You: ';
  if (conversation?.type === 'direct') return '';
  const member = conversation?.members?.find(x => (x.userId ?? x.id) === m.senderId);
  const name = m.sender?.name ?? member?.name ?? member?.username;
  return name ? `${name.split(' ')[0]}: ` : '';
}

export function roleLabel(role) {
  return { OWNER: 'Owner', ADMIN: 'Admin', MEMBER: 'Member' }[role] ?? role ?? '';
}

export function kindLabel(type) {
  return { direct: 'Direct message', group: 'Group', channel: 'Channel', ai: 'Assistant' }[type] ?? type;
}

/** "Seen by …" under my newest message, from the other members' read markers. */
export function seenText(c, m) {
  const readers = (c.members ?? []).filter(x => (x.userId ?? x.id) !== state.me.id && (x.lastReadSeq ?? 0) >= m.seq);
  if (!readers.length) return 'Sent';
  if (c.type === 'direct') return 'Seen';
  const names = readers.map(x => x.name || x.username);
  return names.length > 3 ? `Seen by ${names.slice(0, 3).join(', ')} and ${names.length - 3} more` : `Seen by ${names.join(', ')}`;
}

/** The typing line: who is typing in the open conversation, or nothing. */
export function typingText(names) {
  return !names.length ? '' : names.length === 1 ? `${names[0]} is typing…`
    : names.length === 2 ? `${names[0]} and ${names[1]} are typing…` : 'Several people are typing…';
}

/** The banner shown while the socket is down. */
export function connectionText({ connection, everOnline }) {
  return connection === 'offline' && !everOnline ? 'Connecting…'
    : 'Connection lost. Reconnecting… new messages will appear when it is back.';
}
