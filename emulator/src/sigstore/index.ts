// A private sigstore on the emulator's port, so keyless signing runs end to end with no network: Fulcio
// under /sigstore/fulcio (trusting the emulator's OIDC issuer), Rekor under /sigstore/rekor, and the trust
// root a verifier needs (the CA certificate, the log's key) at /sigstore/trusted_root.json, in the
// protobuf-specs TrustedRoot JSON that sigstore's verifier reads. Point the push at it with
// SIGSTORE_FULCIO_URL / SIGSTORE_REKOR_URL (sigstoreURLs). Keys live with the world: a reset makes new ones.
import type http from 'node:http';
import { worldOf } from '../context.js';
import { readBody, send } from '../server.js';
import type { World } from '../state.js';
import type { HandlerContext, RawRoute } from '../types.js';
import { Fulcio, FulcioError } from './fulcio.js';
import { Rekor, RekorError } from './rekor.js';

export const SIGSTORE_PREFIX = '/sigstore';

/** Where the emulator at `url` (http://127.0.0.1:<port>) serves Fulcio, Rekor and the trust root. */
export function sigstoreURLs(url: string) {
  return {
    fulcio: `${url}${SIGSTORE_PREFIX}/fulcio`,
    rekor: `${url}${SIGSTORE_PREFIX}/rekor`,
    trustedRoot: `${url}${SIGSTORE_PREFIX}/trusted_root.json`,
  };
}

interface Sigstore {
  fulcio: Fulcio;
  rekor: Rekor;
}

function sigstoreOf(world: World): Sigstore {
  return world.slot('sigstore', () => {
    const now = () => world.clock.now();
    return { fulcio: new Fulcio(now), rekor: new Rekor(now, world.host) };
  });
}

/** The TrustedRoot (protobuf-specs JSON) of this world's Fulcio and Rekor. */
export function trustedRoot(world: World): Record<string, unknown> {
  const { fulcio, rekor } = sigstoreOf(world);
  const urls = sigstoreURLs(`http://${world.host}`);
  const start = new Date(fulcio.rootValidFrom).toISOString();
  return {
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    tlogs: [
      {
        baseUrl: urls.rekor,
        hashAlgorithm: 'SHA2_256',
        publicKey: {
          rawBytes: rekor.publicKey.toString('base64'),
          keyDetails: 'PKIX_ECDSA_P256_SHA_256',
          validFor: { start },
        },
        logId: { keyId: rekor.logId.toString('base64') },
      },
    ],
    certificateAuthorities: [
      {
        subject: { organization: 'cendence-emulator', commonName: 'sigstore' },
        uri: urls.fulcio,
        certChain: { certificates: [{ rawBytes: fulcio.root.toString('base64') }] },
        validFor: { start },
      },
    ],
    // No certificate transparency log and no timestamp authority: verify with ctlogThreshold 0.
    ctlogs: [],
    timestampAuthorities: [],
  };
}

const json = (res: http.ServerResponse, status: number, body: unknown) =>
  send(res, status, JSON.stringify(body), 'application/json');

export const sigstoreRoute: RawRoute = async (req, res, url, ctx?: HandlerContext) => {
  if (!url.pathname.startsWith(`${SIGSTORE_PREFIX}/`)) return false;
  const world = worldOf(ctx);
  const path = url.pathname.slice(SIGSTORE_PREFIX.length);
  const { fulcio, rekor } = sigstoreOf(world);
  try {
    if (req.method === 'GET' && path === '/trusted_root.json') json(res, 200, trustedRoot(world));
    else if (req.method === 'POST' && path === '/fulcio/api/v2/signingCert')
      json(res, 200, fulcio.signingCert(JSON.parse(await readBody(req))));
    else if (req.method === 'POST' && path === '/rekor/api/v1/log/entries')
      json(res, 201, rekor.createEntry(JSON.parse(await readBody(req))));
    else if (req.method === 'GET' && path.startsWith('/rekor/api/v1/log/entries/'))
      json(res, 200, rekor.getEntry(path.slice('/rekor/api/v1/log/entries/'.length)));
    else json(res, 404, { code: 404, message: `no sigstore route ${req.method} ${path}` });
  } catch (err) {
    const status = err instanceof FulcioError || err instanceof RekorError ? err.status : 400;
    if (err instanceof RekorError && err.location)
      res.setHeader('location', `${SIGSTORE_PREFIX}/rekor${err.location}`);
    json(res, status, { code: status, message: (err as Error).message });
  }
  return true;
};
