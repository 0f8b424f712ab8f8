// Shared by the tests: the server under test (PARLEY_URL, started by tests/Parley.Tests/JsClientTests.cs) and fresh users.
import { randomUUID } from 'node:crypto';
import { createClient } from '../src/index.js';

export const baseUrl = process.env.PARLEY_URL;
if (!baseUrl) throw new Error('PARLEY_URL is not set: run through JsClientTests, or start a server and set it (README, "JavaScript client")');

/** Registers a user with a unique name; returns the signed-in client, the user and the token. */
export async function signUp(name = 'js') {
  const anonymous = createClient({ baseUrl });
  const username = `${name}_${randomUUID().slice(0, 8)}`;
  const auth = await anonymous.api.register({ username, password: 'correct-horse', email: `${username}@example.com`, name });
  const client = createClient({ baseUrl, token: auth.token });
  return { client, user: auth.user, token: auth.token, username: auth.user.username };
}

/** Resolves with the first value `take` returns that is not undefined, from the events the gateway delivers; rejects after ms. */
export function waitFor(gateway, take, ms = 10000, what = 'an event') {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { off(); reject(new Error(`timed out waiting for ${what}`)); }, ms);
    const off = gateway.onAny(event => {
      const value = take(event);
      if (value === undefined) return;
      clearTimeout(timer);
      off();
      resolve(value);
    });
  });
}

/** Collects every delivered event, in order. */
export function record(gateway) {
  const events = [];
  gateway.onAny(e => events.push(e));
  return events;
}

export const until = async (check, ms = 10000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise(r => setTimeout(r, 20));
  }
};
