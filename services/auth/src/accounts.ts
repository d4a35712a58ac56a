// Signing up, logging in and resolving sessions, over a Store. Tokens are random 32 bytes (base64url)
// handed to the client once; only their SHA-256 is stored.
import { createHash, randomBytes } from 'node:crypto';
import { HttpError } from '@transcendence/common';
import { hashPassword, verifyPassword } from './passwords.js';
import type { Store, User } from './store.js';

export const sessionTtlMs = 24 * 60 * 60 * 1000;
const usernamePattern = /^[A-Za-z0-9_-]{3,32}$/;
// Verified against when the user does not exist, so an unknown name costs the same time as a wrong password.
const decoyHash = hashPassword('decoy-password');

export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export class Accounts {
  constructor(
    private readonly store: Store,
    private readonly now: () => Date = () => new Date(),
  ) {}

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
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(this.now().getTime() + sessionTtlMs);
    await this.store.createSession(tokenHash(token), record.id, expiresAt);
    return { token, expiresAt: expiresAt.toISOString(), user: { id: record.id, username: record.username } };
  }

  async whoami(authorization: string | undefined): Promise<User> {
    const user = await this.store.findSession(tokenHash(bearer(authorization)), this.now());
    if (!user) throw new HttpError(401, 'session unknown or expired: log in again');
    return user;
  }

  async logout(authorization: string | undefined): Promise<void> {
    await this.store.deleteSession(tokenHash(bearer(authorization)));
  }
}

function bearer(authorization: string | undefined): string {
  const match = /^Bearer (\S+)$/.exec(authorization ?? '');
  if (!match) throw new HttpError(401, "send 'Authorization: Bearer <token>'");
  return match[1];
}
