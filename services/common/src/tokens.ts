// Session tokens: auth signs them, game and matchmaking check them on every call without asking anyone.
// Ed25519 signatures (node:crypto) over a JWT-shaped `header.payload.signature`. The algorithm is fixed
// here and never taken from the token, so `alg: none` or an HMAC keyed with the public key cannot pass.
// Each auth replica signs with its own key pair, made at start; only the public half is published (in
// PostgreSQL, table signing_keys), so a database leak cannot mint tokens.
import { createHash, createPublicKey, generateKeyPairSync, type KeyObject, sign, verify } from 'node:crypto';
import { HttpError } from './http.js';

export interface Identity {
  /** The user's id (auth's users.id). */
  id: string;
  username: string;
}

export interface TokenClaims {
  sub: string;
  name: string;
  /** Seconds since the epoch, as in JWT. */
  iat: number;
  exp: number;
}

export interface SigningKey {
  kid: string;
  /** SPKI PEM: what verifiers load. */
  publicKeyPem: string;
  privateKey: KeyObject;
}

const header = (kid: string) => b64(JSON.stringify({ alg: 'EdDSA', typ: 'JWT', kid }));
const b64 = (text: string | Buffer) => Buffer.from(text).toString('base64url');

/** A fresh Ed25519 key pair; its id is derived from the public key, so replicas never collide. */
export function createSigningKey(): SigningKey {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const der = publicKey.export({ type: 'spki', format: 'der' });
  const kid = createHash('sha256').update(der).digest('base64url').slice(0, 22);
  return { kid, publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(), privateKey };
}

export function signToken(key: SigningKey, identity: Identity, expiresAt: Date, now = new Date()): string {
  const claims: TokenClaims = {
    sub: identity.id,
    name: identity.username,
    iat: Math.floor(now.getTime() / 1000),
    exp: Math.floor(expiresAt.getTime() / 1000),
  };
  const signed = `${header(key.kid)}.${b64(JSON.stringify(claims))}`;
  return `${signed}.${sign(null, Buffer.from(signed), key.privateKey).toString('base64url')}`;
}

/** Finds the public key (SPKI PEM) of a key id, or undefined when nobody published it. */
export type KeyLookup = (kid: string) => Promise<string | undefined>;

/** Anything that runs SQL the way node-postgres does (common has no driver of its own). */
export interface Queryable {
  query(sql: string, values: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
}

/** Keys from the signing_keys table auth publishes to. */
export function publishedKeys(db: Queryable): KeyLookup {
  return async (kid) => {
    const { rows } = await db.query('SELECT public_key FROM signing_keys WHERE kid = $1', [kid]);
    return rows[0]?.public_key as string | undefined;
  };
}

/** Keys from auth's `GET /keys/:kid`: for a verifier without database access (local runs). */
export function authKeyLookup(authUrl: string, timeoutMs = 3000): KeyLookup {
  return async (kid) => {
    const url = new URL(`/keys/${encodeURIComponent(kid)}`, authUrl);
    let res: Response;
    try {
      res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    } catch (error) {
      throw new HttpError(503, `auth at ${url.origin} unreachable: ${(error as Error).message}`);
    }
    if (res.status === 404) return undefined;
    if (!res.ok) throw new HttpError(503, `auth answered ${res.status} for key '${kid}'`);
    return ((await res.json()) as { publicKey?: string }).publicKey;
  };
}

/**
 * The keys a verifying service uses: its store's view of auth's table when the database is shared, else
 * auth's /keys endpoint at AUTH_URL (local runs without a database); exit 2 when it has neither.
 */
export function verifierKeysOrExit(
  fromStore: KeyLookup | undefined,
  env: NodeJS.ProcessEnv,
  log: { error(msg: string): void },
): KeyResolver {
  const lookup = fromStore ?? (env.AUTH_URL ? authKeyLookup(env.AUTH_URL) : undefined);
  if (!lookup) {
    log.error('no way to verify session tokens: set DATABASE_URL (or PGHOST…) or AUTH_URL');
    process.exit(2);
  }
  return keyCache(lookup);
}

const unauthorized = (why: string) => new HttpError(401, `${why}: log in again`);

/**
 * Public keys by id, loaded once each through `lookup`. Unknown ids are remembered for `missMs` so a
 * stream of forged key ids costs one lookup each per interval, not one per request.
 */
export function keyCache(lookup: KeyLookup, { missMs = 5000, max = 1000 } = {}) {
  const found = new Map<string, KeyObject>();
  const missed = new Map<string, number>();
  return async (kid: string, now = Date.now()): Promise<KeyObject | undefined> => {
    const hit = found.get(kid);
    if (hit) return hit;
    if ((missed.get(kid) ?? -Infinity) > now - missMs) return undefined;
    const pem = await lookup(kid);
    if (!pem) {
      if (missed.size >= max) missed.clear();
      missed.set(kid, now);
      return undefined;
    }
    const key = createPublicKey(pem);
    if (key.asymmetricKeyType !== 'ed25519') throw new Error(`key ${kid} is not an Ed25519 key`);
    if (found.size >= max) found.clear();
    found.set(kid, key);
    return key;
  };
}

export type KeyResolver = ReturnType<typeof keyCache>;

/** The identity a token proves, or a 401 saying why not. */
export async function verifyToken(token: string, keys: KeyResolver, now = Date.now()): Promise<Identity> {
  const parts = token.split('.');
  if (parts.length !== 3) throw unauthorized('malformed token');
  const [head, body, signature] = parts;
  const parsed = (text: string) => {
    try {
      const value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
      return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
    } catch {
      return {};
    }
  };
  const { alg, kid } = parsed(head);
  if (alg !== 'EdDSA' || typeof kid !== 'string') throw unauthorized('token not signed by auth');
  const key = await keys(kid);
  if (!key) throw unauthorized('token signed by an unknown key');
  if (!verify(null, Buffer.from(`${head}.${body}`), key, Buffer.from(signature, 'base64url'))) {
    throw unauthorized('token signature does not match');
  }
  const { sub, name, exp } = parsed(body);
  if (typeof sub !== 'string' || typeof name !== 'string' || typeof exp !== 'number') {
    throw unauthorized('token lacks its claims');
  }
  if (exp * 1000 <= now) throw unauthorized('session expired');
  return { id: sub, username: name };
}

/** The token of an `Authorization: Bearer <token>` header, or a 401 saying what to send. */
export function bearerToken(authorization: string | string[] | undefined): string {
  const match = /^Bearer (\S+)$/.exec(typeof authorization === 'string' ? authorization : '');
  if (!match) throw new HttpError(401, "send 'Authorization: Bearer <token>' (log in through auth)");
  return match[1];
}

/** Who calls: verifies the request's bearer token. */
export function authenticate(keys: KeyResolver, now: () => number = Date.now) {
  return async (authorization: string | string[] | undefined) =>
    verifyToken(bearerToken(authorization), keys, now());
}
