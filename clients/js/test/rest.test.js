import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createClient, ParleyError } from '../src/index.js';
import { baseUrl, signUp } from './helpers.js';

test('sign up, sign in and read my profile', async () => {
  const { user, username } = await signUp('alice');
  const auth = await createClient({ baseUrl }).api.login({ username, password: 'correct-horse' });
  assert.equal(auth.user.id, user.id);
  const me = await createClient({ baseUrl, token: () => auth.token }).api.me();
  assert.equal(me.username, username);
});

test('conversations and messages: create, send, page, edit, delete', async () => {
  const alice = await signUp('alice');
  const bob = await signUp('bob');
  const direct = await alice.client.api.createConversation({ type: 'direct', participantId: bob.user.id });
  assert.equal(direct.type, 'direct');
  const again = await alice.client.api.createConversation({ type: 'direct', participantId: bob.user.id });
  assert.equal(again.id, direct.id);
  const group = await alice.client.api.createConversation({ type: 'group', name: 'Project', participantIds: [bob.user.id] });
  assert.equal(group.name, 'Project');
  assert.ok((await bob.client.api.listConversations()).some(c => c.id === group.id));

  const sent = [];
  for (let i = 1; i <= 5; i++) sent.push(await alice.client.api.sendMessage(group.id, { content: `hello ${i}`, clientMessageId: `m${i}` }));
  assert.deepEqual(sent.map(m => m.seq), [1, 2, 3, 4, 5]);
  const newest = await bob.client.api.listMessages(group.id, { limit: 2 });
  assert.deepEqual(newest.messages.map(m => m.content), ['hello 4', 'hello 5']);
  assert.equal(newest.hasMore, true);
  const older = await bob.client.api.listMessages(group.id, { before: newest.oldestSeq, limit: 10 });
  assert.deepEqual(older.messages.map(m => m.seq), [1, 2, 3]);
  const after = await bob.client.api.listMessages(group.id, { after: 3 });
  assert.deepEqual(after.messages.map(m => m.seq), [4, 5]);

  const edited = await alice.client.api.editMessage(group.id, sent[0].id, { content: 'hello, edited' });
  assert.equal(edited.edited, true);
  assert.equal((await bob.client.api.getMessage(group.id, sent[0].id)).content, 'hello, edited');
  const deleted = await alice.client.api.deleteMessage(group.id, sent[1].id);
  assert.equal(deleted.deleted, true);
  assert.equal((await bob.client.api.getMessage(group.id, sent[1].id)).content, null);

  const read = await bob.client.api.markRead(group.id, { lastMessageId: sent[4].id });
  assert.equal(read.unreadCount, 0);
  const reaction = await bob.client.api.addReaction(group.id, sent[2].id, '👍');
  assert.equal(reaction.count, 1);
});

test('an error envelope rejects with a typed ParleyError', async () => {
  const alice = await signUp('alice');
  const stranger = await signUp('carol');
  const group = await alice.client.api.createConversation({ type: 'group', name: 'Private', participantIds: [] });

  const notFound = await stranger.client.api.getConversation(group.id).catch(e => e);
  assert.ok(notFound instanceof ParleyError);
  assert.equal(notFound.status, 404);
  assert.equal(notFound.code, 'not_found');

  const invalid = await alice.client.api.sendMessage(group.id, { content: '' }).catch(e => e);
  assert.ok(invalid instanceof ParleyError);
  assert.equal(invalid.status, 400);
  assert.ok(invalid.describe().length > 0);

  let signedOut = 0;
  const expired = createClient({ baseUrl, token: 'not-a-token', onUnauthorized: () => signedOut++ });
  const unauthorized = await expired.api.me().catch(e => e);
  assert.equal(unauthorized.status, 401);
  assert.equal(signedOut, 1);

  const wrongPassword = await createClient({ baseUrl }).api.login({ username: alice.username, password: 'wrong-horse' }).catch(e => e);
  assert.equal(wrongPassword.status, 401);
  assert.throws(() => alice.client.api.getConversation(undefined), TypeError);

  const unreachable = await createClient({ baseUrl: 'http://127.0.0.1:9' }).api.me().catch(e => e);
  assert.equal(unreachable.status, 0);
  assert.equal(unreachable.code, 'network');
});

test('uploads and file downloads', async () => {
  const alice = await signUp('alice');
  const group = await alice.client.api.createConversation({ type: 'group', name: 'Files', participantIds: [] });
  const file = new Blob(['hello file'], { type: 'text/plain' });
  const uploaded = await alice.client.upload(file, { conversationId: group.id, name: 'hello.txt' });
  assert.equal(uploaded.name, 'hello.txt');
  const message = await alice.client.api.sendMessage(group.id, { type: 'file', content: 'a file', attachments: [uploaded.id] });
  assert.equal(message.attachments[0].id, uploaded.id);
  const download = await alice.client.api.downloadFile(uploaded.id);
  assert.equal(await download.text(), 'hello file');
  const health = await alice.client.api.health();
  assert.equal(health.status, 200);
});
