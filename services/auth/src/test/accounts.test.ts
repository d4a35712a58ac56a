import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { authKeyLookup, createLogger, keyCache, verifyToken } from '@transcendence/common';
import { sessionTtlMs } from '../accounts.js';
import { createAuthApp } from '../app.js';
import { hashPassword, verifyPassword } from '../passwords.js';
import { memoryStore } from '../store.js';

test('passwords are salted scrypt hashes that verify only the right password', async () => {
  const a = await hashPassword('correct horse');
  const b = await hashPassword('correct horse');
  assert.match(a, /^scrypt\$16384\$8\$1\$/);
  assert.notEqual(a, b, 'a fresh salt each time');
  assert.equal(await verifyPassword('correct horse', a), true);
  assert.equal(await verifyPassword('correct horsE', a), false);
  assert.equal(await verifyPassword('correct horse', 'plain$text'), false);
});

let clock = new Date('2026-01-01T00:00:00Z');
const app = createAuthApp({ log: createLogger('auth', () => {}), store: memoryStore(), now: () => clock });
let base = '';
before(async () => {
  base = `http://127.0.0.1:${await app.listen(0, '127.0.0.1')}`;
});
after(() => app.close());

const post = (path: string, body: unknown, token?: string) =>
  fetch(`${base}${path}`, {
    method: 'POST',
    body: JSON.stringify(body),
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
const me = (token: string) => fetch(`${base}/me`, { headers: { authorization: `Bearer ${token}` } });

test('sign up, log in, who am I, log out', async () => {
  const signup = await post('/signup', { username: 'ann', password: 'long enough' });
  assert.equal(signup.status, 201);
  const user = await signup.json();
  assert.equal(user.username, 'ann');
  assert.equal(user.passwordHash, undefined, 'the hash never leaves the service');

  const login = await post('/login', { username: 'ann', password: 'long enough' });
  assert.equal(login.status, 200);
  const { token } = await login.json();
  assert.deepEqual(await (await me(token)).json(), user);

  assert.equal((await post('/logout', {}, token)).status, 200);
  assert.equal((await me(token)).status, 401);
});

test('the login token is signed: anyone verifies it with the key auth publishes at /keys/:kid', async () => {
  await post('/signup', { username: 'eve', password: 'long enough' });
  const { token, user } = await (await post('/login', { username: 'eve', password: 'long enough' })).json();
  const keys = keyCache(authKeyLookup(base));
  assert.deepEqual(await verifyToken(token, keys, clock.getTime()), user);
  const [head, , signature] = token.split('.');
  const other = Buffer.from(JSON.stringify({ sub: user.id, name: 'root', exp: 4e9 })).toString('base64url');
  await assert.rejects(verifyToken(`${head}.${other}.${signature}`, keys, clock.getTime()), /signature/);
  assert.equal((await fetch(`${base}/keys/unknown`)).status, 404);
  // A second login reuses this replica's key: one key per replica (and rotation period), not per token.
  const again = await (await post('/login', { username: 'eve', password: 'long enough' })).json();
  assert.equal(again.token.split('.')[0], head);
});

test('sessions expire after their lifetime', async () => {
  await post('/signup', { username: 'bob', password: 'long enough' });
  const { token } = await (await post('/login', { username: 'bob', password: 'long enough' })).json();
  clock = new Date(clock.getTime() + sessionTtlMs + 1);
  assert.equal((await me(token)).status, 401);
});

test('wrong credentials, taken names and weak input are refused', async () => {
  await post('/signup', { username: 'cid', password: 'long enough' });
  assert.equal((await post('/signup', { username: 'cid', password: 'long enough' })).status, 409);
  assert.equal((await post('/login', { username: 'cid', password: 'wrong password' })).status, 401);
  const unknown = await post('/login', { username: 'nobody', password: 'long enough' });
  assert.equal(unknown.status, 401);
  assert.equal((await unknown.json()).error, 'wrong username or password');
  assert.equal((await post('/signup', { username: 'dan', password: 'short' })).status, 400);
  assert.equal((await post('/signup', { username: 'a b', password: 'long enough' })).status, 400);
  assert.equal((await fetch(`${base}/me`)).status, 401);
});
