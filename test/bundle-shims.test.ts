// What scripts/bundle.mjs leaves out of the action bundles, and that what it puts in instead works: the
// make-fetch-happen and sigstore shims (run here through a real esbuild bundle of the sigstore signing
// client against a local Fulcio stand-in), and the AWS clients an action's code never calls.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { build } from 'esbuild';
// @ts-expect-error: a plain .mjs script without types
import { bundleOptions, ROOT, targets } from '../scripts/bundle.mjs';
// @ts-expect-error: a plain .mjs script without types
import shimFetch from '../scripts/shims/make-fetch-happen.mjs';

const run = promisify(execFile);

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A local listener answering each request with the next of `answers` (the last one repeats). */
async function listener(answers: Array<{ status: number; body?: string; delayMs?: number }>) {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      const a = answers[Math.min(seen.length - 1, answers.length - 1)];
      setTimeout(() => {
        res.writeHead(a.status, { 'content-type': 'application/json' });
        res.end(a.body ?? '{}');
      }, a.delayMs ?? 0);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    seen,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

describe('make-fetch-happen shim (what sigstore signing fetches through in the bundles)', () => {
  test('sends method, headers and body and hands back the response', async () => {
    const l = await listener([{ status: 201, body: '{"ok":true}' }]);
    try {
      const res = await shimFetch(`${l.url}/api/v2/signingCert`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'sigstore-js' },
        body: '{"a":1}',
        timeout: 5000,
        retry: false,
      });
      expect(res.status).toBe(201);
      expect(await res.json()).toEqual({ ok: true });
      expect(l.seen).toHaveLength(1);
      expect(l.seen[0]).toMatchObject({ method: 'POST', url: '/api/v2/signingCert', body: '{"a":1}' });
      expect(l.seen[0].headers['user-agent']).toBe('sigstore-js');
    } finally {
      l.close();
    }
  });

  test('retry: false gives a server error back at once; retry: n tries n more times', async () => {
    const failing = await listener([{ status: 503 }]);
    try {
      const res = await shimFetch(failing.url, { retry: false });
      expect(res.status).toBe(503);
      expect(failing.seen).toHaveLength(1);
    } finally {
      failing.close();
    }
    const flaky = await listener([{ status: 503 }, { status: 200, body: '{"value":"t"}' }]);
    try {
      const res = await shimFetch(flaky.url, { retry: 2 });
      expect(res.status).toBe(200);
      expect(flaky.seen).toHaveLength(2);
    } finally {
      flaky.close();
    }
  });

  test('timeout aborts a request that does not answer in time', async () => {
    const slow = await listener([{ status: 200, delayMs: 2000 }]);
    try {
      await expect(shimFetch(slow.url, { timeout: 100 })).rejects.toThrow(/abort|timeout/i);
    } finally {
      slow.close();
    }
  });
});

describe('bundles built by scripts/bundle.mjs', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'cendence-shims-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test("sigstore's attest, bundled with the shims, asks Fulcio for a certificate over Node's fetch", async () => {
    const entry = join(dir, 'sign-entry.mjs');
    writeFileSync(
      entry,
      [
        "import { attest } from 'sigstore';",
        "attest(Buffer.from('{}'), 'application/vnd.in-toto+json', {",
        '  identityToken: process.env.TOKEN, fulcioURL: process.env.FULCIO, rekorURL: process.env.FULCIO,',
        '  retry: 1, timeout: 5000,',
        "}).then(() => console.log('signed'), (err) => { console.log('failed: ' + err.message); process.exit(3); });",
      ].join('\n'),
    );
    const push = targets(['push']).find((t: { step?: string }) => t.step === 'push');
    const options = await bundleOptions(push, join(dir, 'out'));
    const r = await build({
      ...options,
      entryPoints: { index: entry },
      nodePaths: [join(ROOT, 'node_modules')],
      metafile: true,
    });
    const inputs = Object.keys(r.metafile?.inputs ?? {}).join('\n');
    expect(inputs).toMatch(/scripts\/shims\/make-fetch-happen\.mjs/);
    expect(inputs).toMatch(/@sigstore\/sign\//);
    for (const gone of [
      'node_modules/make-fetch-happen/',
      'cacache',
      'iconv-lite',
      '@sigstore/tuf',
      'tuf-js',
    ])
      expect(inputs).not.toContain(gone);

    // A Fulcio that refuses the token the way the real one does: 401 with a JSON message.
    const fulcio = await listener([
      { status: 401, body: '{"code":16,"message":"error processing the identity token"}' },
    ]);
    const claims = Buffer.from(
      JSON.stringify({ sub: 'repo:cendence/app', iss: 'https://ci.local' }),
    ).toString('base64url');
    try {
      const out = await run(process.execPath, [join(dir, 'out', 'index.js')], {
        env: { PATH: process.env.PATH, TOKEN: `e30.${claims}.c2ln`, FULCIO: fulcio.url },
      }).catch((err: { code: number; stdout: string }) => err);
      expect('code' in out && out.code).toBe(3);
      expect(out.stdout).toMatch(/failed: .*error processing the identity token/);
      // 401 is not retried (sigstore retries 408, 429 and 5xx itself); one certificate request was made.
      expect(fulcio.seen).toHaveLength(1);
      expect(fulcio.seen[0].method).toBe('POST');
      expect(fulcio.seen[0].url).toBe('/api/v2/signingCert');
      const body = JSON.parse(fulcio.seen[0].body) as { credentials: { oidcIdentityToken: string } };
      expect(body.credentials.oidcIdentityToken).toBe(`e30.${claims}.c2ln`);
    } finally {
      fulcio.close();
    }
  }, 60_000);

  test('node builtins load through require(), statically and by import(), and still work', async () => {
    // A dynamic import of node:http the way the SDK's HTTP handler writes it, a static named import of an
    // accessor export (fs.promises), a default import and a namespace import.
    const entry = join(dir, 'builtins-entry.mjs');
    writeFileSync(
      entry,
      [
        "import { promises as fsp } from 'node:fs';",
        "import path from 'path';",
        "import * as os from 'node:os';",
        'const l = await import("node:http");',
        "const { request } = await import('node:http');",
        'const req = request(process.env.URL, { method: "POST" }, (res) => { res.resume(); res.on("end", () => {',
        "  console.log([typeof fsp.readFile, path.sep, typeof os.tmpdir, l.default === l.default.request ? 'x' : typeof l.default.Agent].join(' '));",
        '}); });',
        "req.end('{}');",
      ].join('\n'),
    );
    const deploy = targets(['deploy']).find((t: { step?: string }) => t.step === 'deploy');
    const out = join(dir, 'builtins');
    await build({ ...(await bundleOptions(deploy, out)), entryPoints: { index: entry } });
    writeFileSync(join(out, 'package.json'), '{"type":"module"}');
    const code = readFileSync(join(out, 'index.js'), 'utf8');
    // Only the banner's node:module is imported as an ES module: its facade is the one node builds.
    expect(code.match(/from\s*["']node:[a-z_/]+["']|import\(["'](node:)?[a-z_/]+["']\)/g)).toEqual([
      "from'node:module'",
    ]);
    const l = await listener([{ status: 200 }]);
    try {
      const { stdout } = await run(process.execPath, [join(out, 'index.js')], {
        env: { PATH: process.env.PATH, URL: l.url },
      });
      expect(stdout.trim()).toBe('function / function function');
      expect(l.seen).toHaveLength(1);
    } finally {
      l.close();
    }
  }, 60_000);

  test('an action bundle leaves out the lazily loaded AWS clients its code never calls', async () => {
    const contents = async (step: string) => {
      const t = targets([step]).find((x: { step?: string }) => x.step === step);
      const r = await build({ ...(await bundleOptions(t, join(dir, step))), write: false, metafile: true });
      return Object.keys(r.metafile?.inputs ?? {}).join('\n');
    };
    const push = await contents('push');
    for (const client of ['codedeploy', 'elastic-load-balancing-v2', 'cloudwatch-logs', 'iam'])
      expect(push).not.toContain(`@aws-sdk/client-${client}/`);
    expect(push).toContain('@aws-sdk/client-ecr/');
    expect(push).toContain('@aws-sdk/client-sts/'); // OIDC role assumption (aws/credentials.ts)
    const deploy = await contents('deploy');
    for (const client of ['codedeploy', 'elastic-load-balancing-v2', 'cloudwatch-logs', 'iam', 'sts'])
      expect(deploy).toContain(`@aws-sdk/client-${client}/`);
    // The rule that decides: a source calling `<x>.<client>.send(`; every client the deploy code calls is one.
    const deploySources = readFileSync(join(ROOT, 'shared/src/deploy/codedeploy.ts'), 'utf8');
    expect(deploySources).toMatch(/\.codedeploy\.send\(/);
  }, 60_000);
});
