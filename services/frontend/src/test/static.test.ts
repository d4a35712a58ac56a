import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createLogger } from '@transcendence/common';
import { createFrontendApp, defaultPublicDir } from '../app.js';
import { resolveStaticPath } from '../static.js';

test('paths are confined to the public folder', () => {
  assert.equal(resolveStaticPath('/srv/public', '/assets/a.js'), '/srv/public/assets/a.js');
  assert.equal(resolveStaticPath('/srv/public', '/../secret'), undefined);
  assert.equal(resolveStaticPath('/srv/public', '/%2e%2e/%2e%2e/etc/passwd'), undefined);
  assert.equal(resolveStaticPath('/srv/public', '/a%00b'), undefined);
  assert.equal(resolveStaticPath('/srv/public', '/%E0%A4%A'), undefined);
});

let dir = '';
let base = '';
let app: ReturnType<typeof createFrontendApp>;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'frontend-'));
  await mkdir(join(dir, 'assets'));
  await writeFile(join(dir, 'index.html'), '<html>pong</html>');
  await writeFile(join(dir, 'assets', 'main-abc123.js'), 'console.log(1)');
  app = createFrontendApp({ log: createLogger('frontend', () => {}), upstreams: {}, publicDir: dir });
  base = `http://127.0.0.1:${await app.listen(0, '127.0.0.1')}`;
});
after(async () => {
  await app.close();
  await rm(dir, { recursive: true });
});

test('hashed assets are served with long caching, index.html without', async () => {
  const asset = await fetch(`${base}/assets/main-abc123.js`);
  assert.equal(asset.headers.get('content-type'), 'text/javascript; charset=utf-8');
  assert.match(asset.headers.get('cache-control') ?? '', /immutable/);
  assert.equal(await asset.text(), 'console.log(1)');
  const index = await fetch(`${base}/`);
  assert.equal(index.headers.get('cache-control'), 'no-cache');
  assert.equal(await index.text(), '<html>pong</html>');
});

test('client routes fall back to index.html; missing files are 404', async () => {
  assert.equal(await (await fetch(`${base}/play/online`)).text(), '<html>pong</html>');
  assert.equal((await fetch(`${base}/assets/missing.js`)).status, 404);
  assert.equal((await fetch(`${base}/`, { method: 'DELETE' })).status, 405);
});

test('the built client is where the server looks for it', {
  skip: !existsSync(defaultPublicDir) && 'not built',
}, () => {
  const html = readFileSync(join(defaultPublicDir, 'index.html'), 'utf8');
  const script = /<script type="module" crossorigin src="\/assets\/([^"]+\.js)">/.exec(html);
  assert.ok(script, 'index.html loads a hashed module from /assets/');
  assert.ok(existsSync(join(defaultPublicDir, 'assets', script[1])));
});
