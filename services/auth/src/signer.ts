// This replica's signing key: made in memory at first use, its public half published through the store
// before any token it signs leaves, replaced every `rotateMs`. Published keys outlive the longest token
// they can have signed (rotation period + session lifetime), then the next publication prunes them.
import { createSigningKey, type SigningKey } from '@transcendence/common';
import type { Store } from './store.js';

/** `tokenTtlMs`: the lifetime of the tokens it signs, which its published key must outlive. */
export function rotatingSigner(
  store: Store,
  now: () => Date,
  tokenTtlMs: number,
  rotateMs = 12 * 60 * 60 * 1000,
) {
  let current: { key: Promise<SigningKey>; madeAt: number } | undefined;
  return (): Promise<SigningKey> => {
    const t = now().getTime();
    if (!current || t - current.madeAt >= rotateMs) {
      const key = createSigningKey();
      const keepAfter = new Date(t - rotateMs - tokenTtlMs);
      const published = store.publishKey(key.kid, key.publicKeyPem, keepAfter).then(() => key);
      // A failed publication is retried by the next login rather than remembered.
      published.catch(() => {
        if (current?.key === published) current = undefined;
      });
      current = { key: published, madeAt: t };
    }
    return current.key;
  };
}
