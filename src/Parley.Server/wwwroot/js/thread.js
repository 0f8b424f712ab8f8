// One conversation's loaded history, and the one shape every message is kept in.

/** A message as the server sends it, with seed aliases folded into one shape. */
export function normalizeMessage(m) {
  return {
    ...m,
    type: m.type ?? m.messageType ?? 'text',
    content: m.deleted ? null : (m.content ?? m.message ?? null),
    edited: Boolean(m.edited || m.editedAt),
    deleted: Boolean(m.deleted || m.deletedAt),
  };
}

/** The loaded part of one conversation's history. */
export class Thread {
  constructor(id, key = 'seq') {  // a thread pane's replies are ordered by threadSeq
    this.id = id;
    this.key = key;
    this.byId = new Map();
    this.pending = new Map();
    this.hasMore = true;
    this.loaded = false;
    this.sorted = null;
  }

  get messages() {
    this.sorted ??= [...this.byId.values()].sort((a, b) => a[this.key] - b[this.key]);
    return this.sorted;
  }

  get newestSeq() { const list = this.messages; return list.length ? list[list.length - 1].seq : 0; }
  get oldestSeq() { return this.messages.length ? this.messages[0].seq : null; }

  /** Adds or updates a message; a deletion or a later edit is never undone by an older copy. */
  upsert(raw) {
    const m = normalizeMessage(raw);
    if (m.clientMessageId) this.pending.delete(m.clientMessageId);
    const old = this.byId.get(m.id);
    if (old) {
      if (old.deleted && !m.deleted) return false;
      if (!m.deleted && old.editedAt && m.editedAt && new Date(m.editedAt) < new Date(old.editedAt)) return false;
    }
    this.byId.set(m.id, old ? { ...old, ...m } : m);
    this.sorted = null;
    return !old;
  }

  markDeleted(id, deletedBy, deletedAt) {
    const old = this.byId.get(id);
    if (!old) return;
    this.byId.set(id, { ...old, deleted: true, content: null, fileUrl: null, payload: null, attachments: undefined, preview: undefined, deletedBy, deletedAt });
    this.sorted = null;
  }
}
