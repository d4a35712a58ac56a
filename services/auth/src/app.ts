// The auth service's HTTP API: sign up, log in, who am I, log out, and the public keys tokens are signed with.
import { createService, HttpError, type Logger, objectBody, stringField } from '@transcendence/common';
import { Accounts } from './accounts.js';
import type { Store } from './store.js';

export function createAuthApp({ log, store, now }: { log: Logger; store: Store; now?: () => Date }) {
  const accounts = new Accounts(store, now);
  const credentials = (body: unknown) => {
    const fields = objectBody(body);
    return [stringField(fields, 'username'), stringField(fields, 'password')] as const;
  };
  return createService({
    name: 'auth',
    log,
    health: async () => {
      await store.ping();
      return {};
    },
    onClose: () => store.close(),
    routes: {
      'POST /signup': async (req) => {
        const user = await accounts.signup(...credentials(req.body));
        log.info('signed up', { user: user.id });
        return { status: 201, body: user };
      },
      'POST /login': async (req) => ({ body: await accounts.login(...credentials(req.body)) }),
      'GET /me': async (req) => ({ body: await accounts.whoami(req.headers.authorization) }),
      // The public key of a key id, for verifiers without database access (AUTH_URL key lookup).
      'GET /keys/:kid': async (req) => {
        const publicKey = await store.findKey(req.params.kid);
        if (!publicKey) throw new HttpError(404, `no key '${req.params.kid}'`);
        return { body: { kid: req.params.kid, publicKey }, headers: { 'cache-control': 'max-age=86400' } };
      },
      'POST /logout': async (req) => {
        await accounts.logout(req.headers.authorization);
        return { body: { status: 'logged out' } };
      },
    },
  });
}
