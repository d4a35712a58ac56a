// Signing, offline: the identity token comes from the CI (GitLab's variable, GitHub's token endpoint with
// the sigstore audience) and is masked; signing talks to the Fulcio it is pointed at — here a loopback
// stand-in that refuses, so the test proves where the request goes and that a failure is an error the
// push turns into an unsigned label. No network beyond 127.0.0.1.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
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
});
