import assert from 'node:assert/strict';
import { createHmac, generateKeyPairSync } from 'node:crypto';
import { test } from 'node:test';
import {
  authenticate,
  createSigningKey,
  keyCache,
  type SigningKey,
  signToken,
  verifyToken,
} from '../tokens.js';

const ann = { id: '11111111-1111-4111-8111-111111111111', username: 'ann' };
const now = Date.parse('2026-06-01T12:00:00Z');
const inAnHour = new Date(now + 3600_000);

function directory(...keys: SigningKey[]) {
  const lookups: string[] = [];
  const resolve = keyCache(async (kid) => {
    lookups.push(kid);
    return keys.find((k) => k.kid === kid)?.publicKeyPem;
  });
  return { resolve, lookups };
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const rejects = (token: string, keys: ReturnType<typeof keyCache>, reason: RegExp) =>
  assert.rejects(verifyToken(token, keys, now), (error: Error & { status?: number }) => {
    assert.equal(error.status, 401);
    assert.match(error.message, reason);
    return true;
  });

test('a token signed by a published key proves its identity until it expires', async () => {
  const key = createSigningKey();
  const { resolve, lookups } = directory(key);
  const token = signToken(key, ann, inAnHour, new Date(now));
  assert.deepEqual(await verifyToken(token, resolve, now), ann);
  assert.deepEqual(await verifyToken(token, resolve, now + 1000), ann);
  assert.deepEqual(lookups, [key.kid], 'the key is looked up once, then cached');
  await assert.rejects(verifyToken(token, resolve, inAnHour.getTime()), /expired/);
});

test('forged tokens are refused: other payload, other key, alg none, HMAC with the public key', async () => {
  const key = createSigningKey();
  const { resolve } = directory(key);
  const token = signToken(key, ann, inAnHour, new Date(now));
  const [head, , signature] = token.split('.');

  // The same signature over someone else's claims.
  const bob = b64({ sub: '22222222-2222-4222-8222-222222222222', name: 'bob', iat: 0, exp: 4e9 });
  await rejects(`${head}.${bob}.${signature}`, resolve, /signature/);

  // Signed by a key auth never published, claiming a published key id.
  const rogue = { ...createSigningKey(), kid: key.kid };
  await rejects(signToken(rogue, ann, inAnHour, new Date(now)), resolve, /signature/);

  // Signed by a key nobody published under its own id.
  await rejects(signToken(createSigningKey(), ann, inAnHour, new Date(now)), resolve, /unknown key/);

  // alg: none, and the classic confusion: HS256 keyed with the (public) verification key.
  await rejects(`${b64({ alg: 'none', kid: key.kid })}.${bob}.`, resolve, /not signed by auth/);
  const hsHead = b64({ alg: 'HS256', kid: key.kid });
  const mac = createHmac('sha256', key.publicKeyPem).update(`${hsHead}.${bob}`).digest('base64url');
  await rejects(`${hsHead}.${bob}.${mac}`, resolve, /not signed by auth/);

  // Garbage of every shape.
  for (const junk of ['', 'a.b', 'a.b.c.d', '...', `${head}.!!!.${signature}`])
    await rejects(junk, resolve, /./);
});

test('a published key of another algorithm is refused, not used', async () => {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({
    type: 'spki',
    format: 'pem',
  });
  const resolve = keyCache(async () => rsa.toString());
  const key = createSigningKey();
  await assert.rejects(verifyToken(signToken(key, ann, inAnHour, new Date(now)), resolve, now), /Ed25519/);
});

test('unknown key ids are remembered briefly, so forged ids cost one lookup per interval', async () => {
  const { resolve, lookups } = directory();
  assert.equal(await resolve('nope', now), undefined);
  assert.equal(await resolve('nope', now + 1000), undefined);
  assert.equal(lookups.length, 1);
  assert.equal(await resolve('nope', now + 6000), undefined);
  assert.equal(lookups.length, 2);
});

test('authenticate wants a bearer token', async () => {
  const key = createSigningKey();
  const who = authenticate(directory(key).resolve, () => now);
  assert.deepEqual(await who(`Bearer ${signToken(key, ann, inAnHour, new Date(now))}`), ann);
  await assert.rejects(who(undefined), /Authorization: Bearer/);
  await assert.rejects(who('Basic YW5uOnB3'), /Authorization: Bearer/);
});
