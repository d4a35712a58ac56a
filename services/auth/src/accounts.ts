// Signing up, logging in and resolving sessions, over a Store. A session token is signed by this replica's
// key (common/tokens.ts), so game and matchmaking verify it without a call; auth itself also keeps the
// session (by the token's SHA-256 only), so /me and logout see a revoked session at once.
import { createHash } from 'node:crypto';
import { bearerToken, HttpError, type SigningKey, signToken } from '@transcendence/common';
import { hashPassword, verifyPassword } from './passwords.js';
import { rotatingSigner } from './signer.js';
import type { Store, User } from './store.js';

export const sessionTtlMs = 24 * 60 * 60 * 1000;
const usernamePattern = /^[A-Za-z0-9_-]{3,32}$/;
// Verified against when the user does not exist, so an unknown name costs the same time as a wrong password.
const decoyHash = hashPassword('decoy-password');

export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export class Accounts {
  private readonly signingKey: () => Promise<SigningKey>;

  constructor(
    private readonly store: Store,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.signingKey = rotatingSigner(store, now, sessionTtlMs);
  }

  async signup(username: string, password: string): Promise<User> {
    if (!usernamePattern.test(username)) {
      throw new HttpError(400, "'username' must be 3-32 letters, digits, '-' or '_'");
    }
    if (password.length < 8) throw new HttpError(400, "'password' must be at least 8 characters");
    const user = await this.store.createUser(username, await hashPassword(password));
    if (!user) throw new HttpError(409, `username '${username}' is taken`);
    return user;
  }

  async login(username: string, password: string): Promise<{ token: string; expiresAt: string; user: User }> {
    const record = await this.store.findUser(username);
    const ok = await verifyPassword(password, record?.passwordHash ?? (await decoyHash));
    if (!record || !ok) throw new HttpError(401, 'wrong username or password');
    const user = { id: record.id, username: record.username };
    const issuedAt = this.now();
    const expiresAt = new Date(issuedAt.getTime() + sessionTtlMs);
    const token = signToken(await this.signingKey(), user, expiresAt, issuedAt);
    await this.store.createSession(tokenHash(token), record.id, expiresAt);
    return { token, expiresAt: expiresAt.toISOString(), user };
  }

  async whoami(authorization: string | undefined): Promise<User> {
    const user = await this.store.findSession(tokenHash(bearerToken(authorization)), this.now());
    if (!user) throw new HttpError(401, 'session unknown or expired: log in again');
    return user;
  }

  async logout(authorization: string | undefined): Promise<void> {
    await this.store.deleteSession(tokenHash(bearerToken(authorization)));
  }
}
