// Signing, offline: the identity token comes from the CI (GitLab's variable, GitHub's token endpoint with
// the sigstore audience) and is masked; signing talks to the Fulcio it is pointed at — a loopback stand-in
// that refuses (where the request goes; a failure is an error the push turns into an unsigned label), and
// the emulator's Fulcio and Rekor (a GitHub job's signature that sigstore's verifier accepts). No network
// beyond 127.0.0.1. The signed push as a whole is test/push-signed.test.ts.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bundleFromJSON } from '@sigstore/bundle';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { toSignedEntity, toTrustMaterial, Verifier } from '@sigstore/verify';
import { githubClaims } from '../../../emulator/src/iam/ci-claims.js';
import { startEmulator } from '../../../emulator/src/index.js';
import { sigstoreURLs } from '../../../emulator/src/sigstore/index.js';
import { TerminalRunner } from '../runner/terminal.js';
import { NO_IDENTITY, signingIdentity } from './sign.js';

const run = promisify(execFile);

class MaskingRunner extends TerminalRunner {
  readonly masked: string[] = [];
  constructor() {
    super({ stream: new PassThrough() });
  }
  override mask(secret: string): void {
    this.masked.push(secret);
    super.mask(secret);
  }
}

// An OIDC token as a CI issues it (unsigned here: the stand-in never checks it), for a verified email.
const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
const JWT = `${b64({ alg: 'none' })}.${b64({ iss: 'https://gitlab.example.invalid', sub: 'project_path:t/c', email: 'ci@example.invalid', email_verified: true, aud: 'sigstore' })}.`;

const seen: { url: string; auth?: string; body: string }[] = [];
let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      seen.push({ url: req.url ?? '', auth: req.headers.authorization, body });
      if (req.url?.startsWith('/token')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ value: 'github-oidc-token' }));
      } else {
        res.writeHead(503, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ message: 'stand-in Fulcio refuses' }));
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((r) => server.close(r));
});

describe('sigstore signing identity', () => {
  it('without an OIDC token the CI offers, nothing is signed and the label says how to get one', async () => {
    expect(await signingIdentity({}, new MaskingRunner())).toBeUndefined();
    expect(NO_IDENTITY).toMatch(/^unsigned: .*id-token: write.*SIGSTORE_ID_TOKEN/);
  });

  it("takes GitLab's SIGSTORE_ID_TOKEN and masks it", async () => {
    const runner = new MaskingRunner();
    const id = await signingIdentity({ SIGSTORE_ID_TOKEN: 'gitlab-oidc-token' }, runner);
    expect(id).toEqual({ token: 'gitlab-oidc-token', source: 'GitLab id_tokens SIGSTORE_ID_TOKEN' });
    expect(runner.masked).toContain('gitlab-oidc-token');
  });

  it("asks GitHub's token endpoint for the sigstore audience and masks both tokens", async () => {
    const runner = new MaskingRunner();
    const id = await signingIdentity(
      {
        ACTIONS_ID_TOKEN_REQUEST_URL: `${base}/token?api-version=2.0`,
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'req-token',
      },
      runner,
    );
    expect(id?.token).toBe('github-oidc-token');
    const call = seen.find((s) => s.url.startsWith('/token'))!;
    expect(new URL(call.url, base).searchParams.get('audience')).toBe('sigstore');
    expect(call.auth).toBe('Bearer req-token');
    expect(runner.masked).toEqual(expect.arrayContaining(['req-token', 'github-oidc-token']));
  });

  it('signs through the Fulcio it is pointed at; a refusal is an error, never a silent success', async () => {
    // In a child process: the library's ESM dependencies do not load inside jest's module sandbox.
    const dir = await mkdtemp(path.join(tmpdir(), 'cendence-sign-'));
    const script = path.join(dir, 'sign.mts');
    await writeFile(
      script,
      `import { signStatement } from ${JSON.stringify(path.resolve('shared/src/registry/sign.ts'))};\n` +
        `const err = await signStatement('{}', { token: ${JSON.stringify(JWT)}, source: 'test' }, ` +
        `{ SIGSTORE_FULCIO_URL: ${JSON.stringify(base)}, SIGSTORE_REKOR_URL: ${JSON.stringify(base)} })` +
        `.then(() => undefined, (e) => e.message);\nconsole.log(JSON.stringify({ err }));\n`,
    );
    const before = seen.length;
    try {
      const out = await run(path.resolve('node_modules/.bin/tsx'), [script]);
      expect(JSON.parse(out.stdout.trim().split('\n').pop()!).err).toMatch(/signing certificate/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    const fulcio = seen.slice(before);
    expect(fulcio.length).toBeGreaterThan(0);
    expect(fulcio[0].url).toMatch(/\/api\/v2\/signingCert/);
    expect(`${fulcio[0].auth ?? ''} ${fulcio[0].body}`).toContain(JWT);
  }, 60_000);

  it("GitHub: the runner's token for aud sigstore gets a certificate from the emulator's Fulcio; the bundle verifies", async () => {
    const emu = await startEmulator();
    const urls = sigstoreURLs(emu.url);
    const claims = githubClaims(emu, { repository: 'acme/shop', audience: 'sigstore' });
    const minted = emu.mintToken(claims);
    // The runner's token endpoint, answering with the token the emulator's issuer signed.
    const runnerEndpoint = createServer((req, res) => {
      const ok = req.headers.authorization === 'Bearer req-token' && req.url?.includes('audience=sigstore');
      res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
      res.end(ok ? JSON.stringify({ value: minted }) : '{}');
    });
    await new Promise<void>((r) => runnerEndpoint.listen(0, '127.0.0.1', r));
    const tokenUrl = `http://127.0.0.1:${(runnerEndpoint.address() as AddressInfo).port}/token`;
    const dir = await mkdtemp(path.join(tmpdir(), 'cendence-sign-'));
    const script = path.join(dir, 'sign.mts');
    const statement = JSON.stringify({
      _type: 'https://in-toto.io/Statement/v1',
      subject: [],
      predicate: {},
    });
    const env = {
      ACTIONS_ID_TOKEN_REQUEST_URL: tokenUrl,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'req-token',
      SIGSTORE_FULCIO_URL: urls.fulcio,
      SIGSTORE_REKOR_URL: urls.rekor,
    };
    await writeFile(
      script,
      `import { signingIdentity, signStatement } from ${JSON.stringify(path.resolve('shared/src/registry/sign.ts'))};\n` +
        `import { TerminalRunner } from ${JSON.stringify(path.resolve('shared/src/runner/terminal.ts'))};\n` +
        `const env = ${JSON.stringify(env)};\n` +
        'const id = await signingIdentity(env, new TerminalRunner({ stream: process.stderr }));\n' +
        `const bundle = await signStatement(${JSON.stringify(statement)}, id, env);\n` +
        'console.log(JSON.stringify({ source: id.source, bundle: JSON.parse(bundle.toString()) }));\n',
    );
    try {
      const out = await run(path.resolve('node_modules/.bin/tsx'), [script]);
      const { source, bundle } = JSON.parse(out.stdout.trim().split('\n').pop()!);
      expect(source).toBe('GitHub Actions OIDC (id-token: write)');
      expect(Buffer.from(bundle.dsseEnvelope.payload, 'base64').toString()).toBe(statement);
      const root = TrustedRoot.fromJSON(await (await fetch(urls.trustedRoot)).json());
      const signer = new Verifier(toTrustMaterial(root), { ctlogThreshold: 0 }).verify(
        toSignedEntity(bundleFromJSON(bundle)),
        { extensions: { issuer: 'https://token.actions.githubusercontent.com' } },
      );
      expect(signer.identity?.subjectAlternativeName).toBe(
        'https://github.com/acme/shop/.github/workflows/release.yml@refs/heads/main',
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
      await new Promise((r) => runnerEndpoint.close(r));
      await emu.stop();
    }
  }, 60_000);
});
