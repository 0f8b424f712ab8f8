import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Gateway, ParleyError } from '../src/index.js';
import { baseUrl, signUp, waitFor, record, until } from './helpers.js';
import { startProxy } from './proxy.js';

const fast = { backoffMs: [50, 100, 200] };
const messagesIn = (events, conversationId) =>
  events.filter(e => e.type === 'message:new' && e.data.conversationId === conversationId).map(e => e.data.message.content);

async function pair() {
  const alice = await signUp('alice');
  const bob = await signUp('bob');
  const group = await alice.client.api.createConversation({ type: 'group', name: 'Live', participantIds: [bob.user.id] });
  return { alice, bob, group };
}

test('events arrive typed, requests are acknowledged, refusals reject with ParleyError', async t => {
  const { alice, bob, group } = await pair();
  const bobGateway = bob.client.gateway(fast);
  const aliceGateway = alice.client.gateway(fast);
  t.after(() => { bobGateway.stop(); aliceGateway.stop(); });
  const ready = waitFor(bobGateway, e => (e.type === 'ready' ? e.data : undefined), 10000, 'ready');
  bobGateway.start();
  aliceGateway.start();
  assert.equal((await ready).userId, bob.user.id);
  assert.equal(await aliceGateway.ready(5000), true);

  const delivered = waitFor(bobGateway, event => (event.type === 'message:new' ? { data: event.data, event } : undefined), 10000, 'message:new');
  const typed = new Promise(resolve => bobGateway.on('message:new', data => resolve(data.message.content)));
  const sent = await aliceGateway.request('message:send', { conversationId: group.id, content: 'over the socket' });
  const { data, event } = await delivered;
  assert.equal(data.message.id, sent.id);
  assert.equal(data.conversationId, group.id);
  assert.ok(event.cursor > 0);
  assert.equal(await typed, 'over the socket');

  const typing = waitFor(bobGateway, e => (e.type === 'typing' ? e : undefined), 10000, 'typing');
  aliceGateway.send('typing:start', { conversationId: group.id });
  const typingEvent = await typing;
  assert.equal(typingEvent.data.userId, alice.user.id);
  assert.equal(typingEvent.cursor, null);

  // Listening before the send: the event can reach bob's socket before alice's HTTP answer reaches her.
  const restDelivered = waitFor(bobGateway, e => (e.type === 'message:new' ? e.data.message.id : undefined), 10000, 'the REST message');
  const restSent = await alice.client.api.sendMessage(group.id, { content: 'over REST' });
  assert.equal(await restDelivered, restSent.id);

  const refused = await aliceGateway.request('message:send', { conversationId: group.id }).catch(e => e);
  assert.ok(refused instanceof ParleyError);
  assert.equal(refused.status, 400);
  const unknown = await aliceGateway.request('no:such:request', {}).catch(e => e);
  assert.equal(unknown.code, 'unknown_request');
  aliceGateway.stop();
  const offline = await aliceGateway.request('ping').catch(e => e);
  assert.equal(offline.code, 'offline');
});

test('a lost connection reconnects and resumes: no gaps, no duplicates, in order', async t => {
  const { alice, bob, group } = await pair();
  const proxy = await startProxy(baseUrl);
  const gateway = new Gateway({ ...fast, baseUrl: proxy.url, token: bob.token });
  t.after(async () => { gateway.stop(); await proxy.close(); });
  const events = record(gateway);
  const statuses = [];
  gateway.onStatus(s => statuses.push(s));
  const resumed = [];
  gateway.onResumed(r => resumed.push(r));
  gateway.start();
  assert.equal(await gateway.ready(5000), true);

  for (let i = 1; i <= 3; i++) await alice.client.api.sendMessage(group.id, { content: `live ${i}` });
  await until(() => messagesIn(events, group.id).length === 3);

  // Cut the network, send while bob is away, let him come back.
  const away = [];
  gateway.onStatus(s => { if (s === 'reconnecting') away.push(s); });
  proxy.cut();
  await until(() => away.length > 0 || resumed.length > 0);
  for (let i = 1; i <= 4; i++) await alice.client.api.sendMessage(group.id, { content: `missed ${i}` });
  await until(() => resumed.length === 1);
  assert.deepEqual(resumed[0], { complete: true, replayed: resumed[0].replayed, gap: false });
  for (let i = 5; i <= 6; i++) await alice.client.api.sendMessage(group.id, { content: `missed ${i}` });
  await until(() => messagesIn(events, group.id).length === 9);

  assert.deepEqual(messagesIn(events, group.id),
    ['live 1', 'live 2', 'live 3', 'missed 1', 'missed 2', 'missed 3', 'missed 4', 'missed 5', 'missed 6']);
  const cursors = events.filter(e => e.cursor !== null).map(e => e.cursor);
  assert.deepEqual(cursors, [...cursors].sort((a, b) => a - b), 'cursor order');
  assert.equal(new Set(cursors).size, cursors.length, 'no cursor twice');
  assert.ok(statuses.includes('reconnecting') && statuses.at(-1) === 'online', statuses.join(','));
});

test('a replay of events already seen is dropped by cursor', async t => {
  const { alice, bob, group } = await pair();
  const gateway = bob.client.gateway(fast);
  t.after(() => gateway.stop());
  const events = record(gateway);
  gateway.start();
  await gateway.ready(5000);
  for (let i = 1; i <= 3; i++) await alice.client.api.sendMessage(group.id, { content: `once ${i}` });
  await until(() => messagesIn(events, group.id).length === 3);

  // Ask the server to replay from before those three: it sends them again and the client drops them.
  const first = events.find(e => e.type === 'message:new').cursor;
  const ack = await gateway.request('resume', { since: first - 1 });
  assert.ok(ack.count >= 3, JSON.stringify(ack));
  await alice.client.api.sendMessage(group.id, { content: 'once 4' });
  await until(() => messagesIn(events, group.id).length === 4);
  assert.deepEqual(messagesIn(events, group.id), ['once 1', 'once 2', 'once 3', 'once 4']);
});

test('a gateway started with a kept cursor gets what happened since', async t => {
  const { alice, bob, group } = await pair();
  const first = await alice.client.api.sendMessage(group.id, { content: 'before' });
  const sync = await bob.client.api.sync({ since: 0 });
  const mark = sync.events.find(e => e.type === 'message:new' && e.data.message.id === first.id).cursor;
  await alice.client.api.sendMessage(group.id, { content: 'after 1' });
  await alice.client.api.sendMessage(group.id, { content: 'after 2' });

  const gateway = bob.client.gateway({ ...fast, cursor: mark });
  t.after(() => gateway.stop());
  const events = record(gateway);
  const resumed = new Promise(resolve => gateway.onResumed(resolve));
  gateway.start();
  assert.equal((await resumed).complete, true);
  assert.deepEqual(messagesIn(events, group.id), ['after 1', 'after 2']);
});

test('a refused token is reported as an auth problem', async t => {
  const gateway = new Gateway({ baseUrl, token: 'not-a-token', backoffMs: [20] });
  t.after(() => gateway.stop());
  const problem = new Promise(resolve => gateway.onAuthProblem(resolve));
  gateway.start();
  assert.equal(typeof (await problem), 'number');
  assert.notEqual(gateway.status, 'online');
});
