// The emulator's Fulcio and Rekor over HTTP, held to what sigstore's clients and verifier expect: Fulcio
// certifies only a signed, unexpired token for the sigstore audience whose key the caller proves it holds;
// Rekor logs only envelopes whose signature verifies, and every entry's SET, inclusion proof and signed
// checkpoint verify with sigstore's own verifier against the emulator's trust root (several entries, so the
// Merkle audit paths are not trivial). The signed push itself is test/push-signed.test.ts.
import { generateKeyPairSync, type KeyObject, sign, X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bundleFromJSON } from '@sigstore/bundle';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { toSignedEntity, toTrustMaterial, Verifier } from '@sigstore/verify';
import { githubClaims } from '../src/iam/ci-claims.js';
import { type Emulator, startEmulator } from '../src/index.js';
import { sigstoreURLs } from '../src/sigstore/index.js';
import { pae } from '../src/sigstore/rekor.js';

let emu: Emulator;
let urls: ReturnType<typeof sigstoreURLs>;

beforeAll(async () => {
  emu = await startEmulator();
  urls = sigstoreURLs(emu.url);
});

afterAll(async () => {
  await emu.stop();
});

const post = async (url: string, body: unknown) => {
  const res = await fetch(url, { method: 'POST', body: JSON.stringify(body) });
  return { status: res.status, headers: res.headers, json: (await res.json()) as Record<string, unknown> };
};

const ecKey = () => generateKeyPairSync('ec', { namedCurve: 'P-256' });
const publicPem = (k: KeyObject) => k.export({ type: 'spki', format: 'pem' }).toString();

/** A certificate request as sigstore's client makes it: the key, and the subject signed with it. */
function certRequest(token: string, subject: string, keys = ecKey()) {
  return {
    credentials: { oidcIdentityToken: token },
    publicKeyRequest: {
      publicKey: { algorithm: 'ECDSA', content: publicPem(keys.publicKey) },
      proofOfPossession: sign('sha256', Buffer.from(subject), keys.privateKey).toString('base64'),
    },
  };
}

describe('Fulcio', () => {
  const fulcio = () => `${urls.fulcio}/api/v2/signingCert`;

  it("certifies the token's identity (a CI workflow's URI, or a verified e-mail) under the emulator's CA", async () => {
    const claims = githubClaims(emu, { repository: 'acme/shop', audience: 'sigstore' });
    const keys = ecKey();
    const r = await post(fulcio(), certRequest(emu.mintToken(claims), String(claims.sub), keys));
    expect(r.status).toBe(200);
    const chain = (r.json.signedCertificateDetachedSct as { chain: { certificates: string[] } }).chain
      .certificates;
    const [leaf, root] = chain.map((c) => new X509Certificate(c));
    expect(leaf.subjectAltName).toBe(
      'URI:https://github.com/acme/shop/.github/workflows/release.yml@refs/heads/main',
    );
    expect(leaf.verify(root.publicKey)).toBe(true);
    expect(leaf.publicKey.export({ type: 'spki', format: 'der' })).toEqual(
      keys.publicKey.export({ type: 'spki', format: 'der' }),
    );
    expect(leaf.ca).toBe(false);
    expect(root.ca).toBe(true);
    expect(leaf.keyUsage).toContain('1.3.6.1.5.5.7.3.3'); // code signing
    // The issuer extension carries the token's issuer.
    expect(leaf.raw.includes(Buffer.from('https://token.actions.githubusercontent.com'))).toBe(true);

    const email = { iss: 'https://accounts.example', aud: 'sigstore', sub: '42', email: 'dev@example.com' };
    const exp = Math.floor(emu.clock.now() / 1000) + 300;
    const ok = await post(
      fulcio(),
      certRequest(emu.mintToken({ ...email, email_verified: true, exp }), 'dev@example.com'),
    );
    const cert = (ok.json.signedCertificateDetachedSct as { chain: { certificates: string[] } }).chain
      .certificates[0];
    expect(new X509Certificate(cert).subjectAltName).toBe('email:dev@example.com');
    const unverified = await post(fulcio(), certRequest(emu.mintToken({ ...email, exp }), 'dev@example.com'));
    expect(unverified.status).toBe(400);
  });

  it('refuses a token it cannot trust: not signed by the issuer, expired, for another audience; and a key not held', async () => {
    const claims = githubClaims(emu, { repository: 'acme/shop', audience: 'sigstore' });
    const sub = String(claims.sub);
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const cases: [string, unknown, number, RegExp][] = [
      ['unsigned', certRequest(`${b64({ alg: 'none' })}.${b64(claims)}.`, sub), 401, /not signed/],
      [
        'expired',
        certRequest(
          emu.mintToken(githubClaims(emu, { repository: 'acme/shop', audience: 'sigstore', expiresIn: -1 })),
          sub,
        ),
        401,
        /expired/,
      ],
      [
        'for STS',
        certRequest(emu.mintToken(githubClaims(emu, { repository: 'acme/shop' })), sub),
        401,
        /not sigstore/,
      ],
      ['proof over another subject', certRequest(emu.mintToken(claims), 'someone else'), 400, /possession/],
      ['no token', { publicKeyRequest: {} }, 400, /required/],
    ];
    for (const [what, body, status, message] of cases) {
      const r = await post(fulcio(), body);
      expect([what, r.status, String(r.json.message)]).toEqual([
        what,
        status,
        expect.stringMatching(message),
      ]);
    }
  });
});

describe('Rekor', () => {
  const entries = () => `${urls.rekor}/api/v1/log/entries`;
  const keys = ecKey();
  const type = 'application/vnd.in-toto+json';

  function envelope(text: string, signer: KeyObject = keys.privateKey) {
    const payload = Buffer.from(text);
    return {
      payloadType: type,
      payload: payload.toString('base64'),
      signatures: [{ sig: sign('sha256', pae(type, payload), signer).toString('base64'), keyid: '' }],
    };
  }
  const proposed = (env: unknown) => ({
    apiVersion: '0.0.1',
    kind: 'dsse',
    spec: {
      proposedContent: {
        envelope: JSON.stringify(env),
        verifiers: [Buffer.from(publicPem(keys.publicKey)).toString('base64')],
      },
    },
  });

  /** A Rekor answer as a bundle's tlog entry (protobuf JSON), the way sigstore's client converts it. */
  function tlogEntry(e: Record<string, unknown>) {
    const v = e.verification as {
      signedEntryTimestamp: string;
      inclusionProof: {
        logIndex: number;
        treeSize: number;
        rootHash: string;
        hashes: string[];
        checkpoint: string;
      };
    };
    const hex = (h: string) => Buffer.from(h, 'hex').toString('base64');
    return {
      logIndex: String(e.logIndex),
      logId: { keyId: hex(String(e.logID)) },
      kindVersion: { kind: 'dsse', version: '0.0.1' },
      integratedTime: String(e.integratedTime),
      inclusionPromise: { signedEntryTimestamp: v.signedEntryTimestamp },
      inclusionProof: {
        logIndex: String(v.inclusionProof.logIndex),
        rootHash: hex(v.inclusionProof.rootHash),
        treeSize: String(v.inclusionProof.treeSize),
        hashes: v.inclusionProof.hashes.map(hex),
        checkpoint: { envelope: v.inclusionProof.checkpoint },
      },
      canonicalizedBody: e.body,
    };
  }

  it("logs signed envelopes; each entry's SET, inclusion proof and checkpoint verify with sigstore's verifier", async () => {
    const uuids: string[] = [];
    const envelopes: ReturnType<typeof envelope>[] = [];
    for (let i = 0; i < 5; i++) {
      envelopes.push(envelope(JSON.stringify({ statement: i })));
      const r = await post(entries(), proposed(envelopes[i]));
      expect(r.status).toBe(201);
      const [uuid, entry] = Object.entries(r.json)[0] as [string, Record<string, unknown>];
      expect(entry.logIndex).toBe(i);
      uuids.push(uuid);
    }
    const root = TrustedRoot.fromJSON(await (await fetch(urls.trustedRoot)).json());
    const trust = toTrustMaterial(root, () => ({ publicKey: keys.publicKey, validFor: () => true }));
    const verifier = new Verifier(trust, { ctlogThreshold: 0 });
    for (const [i, uuid] of uuids.entries()) {
      // Fetched now: the proof is against the tree of five.
      const r = await fetch(`${entries()}/${uuid}`);
      const entry = Object.values((await r.json()) as Record<string, Record<string, unknown>>)[0];
      const bundle = {
        mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
        verificationMaterial: {
          publicKey: { hint: 'ci' },
          tlogEntries: [tlogEntry(entry)],
          timestampVerificationData: { rfc3161Timestamps: [] },
        },
        dsseEnvelope: envelopes[i],
      };
      expect(() => verifier.verify(toSignedEntity(bundleFromJSON(bundle)))).not.toThrow();
      // An entry moved to another index no longer proves its inclusion.
      const moved = structuredClone(bundle);
      const proof = moved.verificationMaterial.tlogEntries[0].inclusionProof;
      proof.logIndex = String((i + 1) % 5);
      expect(() => verifier.verify(toSignedEntity(bundleFromJSON(moved)))).toThrow();
    }
  });

  it('refuses an envelope whose signature does not verify, and answers 409 with the location of a duplicate', async () => {
    const bad = await post(entries(), proposed(envelope('{"x":1}', ecKey().privateKey)));
    expect(bad.status).toBe(400);
    expect(String(bad.json.message)).toMatch(/does not verify/);
    const env = envelope('{"dup":true}');
    const first = await post(entries(), proposed(env));
    const again = await post(entries(), proposed(env));
    expect(again.status).toBe(409);
    expect(again.headers.get('location')).toBe(
      `/sigstore/rekor/api/v1/log/entries/${Object.keys(first.json)[0]}`,
    );
    expect((await post(entries(), { kind: 'rekord', apiVersion: '0.0.1' })).status).toBe(400);
  });
});
