// The GitLab adapter: inputs from the CENDENCE_<NAME> variables the templates set, collapsible sections
// with GitLab's markers, outputs as a dotenv report, the summary as a markdown artifact, masking in-process.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { GitLabRunner } from './gitlab.js';

class Capture {
  text = '';
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
}

describe('GitLabRunner', () => {
  let dir: string;
  let out: Capture;
  const make = (env: NodeJS.ProcessEnv = {}) =>
    new GitLabRunner({
      env,
      stream: out as unknown as NodeJS.WritableStream,
      dotenvFile: join(dir, 'cendence.env'),
      summaryFile: join(dir, 'cendence-summary.md'),
      cwd: dir,
      now: () => 1_700_000_000_000,
    });

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cendence-gl-'));
    out = new Capture();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('reads inputs from CENDENCE_<NAME> variables; empty means not given', () => {
    const runner = make({
      CENDENCE_ROLE_TO_ASSUME: 'arn:aws:iam::123456789012:role/ci',
      CENDENCE_REGION: '',
    });
    expect(runner.input('role-to-assume')).toBe('arn:aws:iam::123456789012:role/ci');
    expect(runner.input('region')).toBeUndefined();
  });

  test('wraps a group in section_start / section_end markers, closed even when the body throws', async () => {
    const runner = make();
    await runner.group('deploy api', async () => runner.info('rolling out'));
    await expect(
      runner.group('deploy web', async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(out.text).toBe(
      '\x1b[0Ksection_start:1700000000:cendence_1[collapsed=false]\r\x1b[0Kdeploy api\n' +
        'rolling out\n' +
        '\x1b[0Ksection_end:1700000000:cendence_1\r\x1b[0K\n' +
        '\x1b[0Ksection_start:1700000000:cendence_2[collapsed=false]\r\x1b[0Kdeploy web\n' +
        '\x1b[0Ksection_end:1700000000:cendence_2\r\x1b[0K\n',
    );
  });

  test('writes outputs as CENDENCE_<STEP>_<NAME> lines of the dotenv report, one line per value', () => {
    const runner = make();
    runner.forStep('push');
    runner.setOutput('image-uri', 'registry/api@sha256:abc');
    runner.setOutput('services', 'api\nweb');
    expect(readFileSync(join(dir, 'cendence.env'), 'utf8')).toBe(
      'CENDENCE_PUSH_IMAGE_URI=registry/api@sha256:abc\nCENDENCE_PUSH_SERVICES=api web\n',
    );
    expect(readFileSync(join(dir, '.cendence/outputs/push-services'), 'utf8')).toBe('api\nweb');
  });

  test("the dotenv report stays under GitLab's 5 KB for any number of services; long values go to files", () => {
    const images = Object.fromEntries(
      Array.from({ length: 60 }, (_, i) => [
        `service-${i}`,
        `123456789012.dkr.ecr.eu-west-1.amazonaws.com/transcendence/service-${i}@sha256:${'a'.repeat(64)}`,
      ]),
    );
    const runner = make();
    runner.forStep('push');
    runner.setOutput('images', JSON.stringify(images));
    runner.setOutput('pushed', JSON.stringify(Object.keys(images)));
    runner.setOutput('count', '60');
    const dotenv = readFileSync(join(dir, 'cendence.env'), 'utf8');
    expect(Buffer.byteLength(dotenv)).toBeLessThan(5 * 1024);
    expect(dotenv).toContain('CENDENCE_PUSH_IMAGES_FILE=.cendence/outputs/push-images\n');
    expect(dotenv).toContain('CENDENCE_PUSH_COUNT=60\n');
    expect(JSON.parse(readFileSync(join(dir, '.cendence/outputs/push-images'), 'utf8'))).toEqual(images);
    // A later step of the same job adds to the report rather than replacing it.
    const next = make();
    next.forStep('deploy');
    next.setOutput('status', 'succeeded');
    expect(readFileSync(join(dir, 'cendence.env'), 'utf8')).toContain(
      'CENDENCE_PUSH_COUNT=60\nCENDENCE_DEPLOY_STATUS=succeeded\n',
    );
  });

  test('a path output inside the project folder is written relative, for jobs checked out elsewhere', () => {
    const runner = make();
    runner.forStep('deploy');
    runner.setOutput('record-file', join(dir, '.cendence', 'deploy-record.json'));
    expect(readFileSync(join(dir, 'cendence.env'), 'utf8')).toBe(
      'CENDENCE_DEPLOY_RECORD_FILE=.cendence/deploy-record.json\n',
    );
  });

  test('masks secrets in every line and in the summary artifact', async () => {
    const runner = make();
    runner.mask('s3cr3t-ecr-password');
    runner.info('password s3cr3t-ecr-password');
    runner.warning('retrying with s3cr3t-ecr-password', { file: 'services/api/service.yml' });
    runner.error('denied: s3cr3t-ecr-password');
    await runner.summary('| pw | s3cr3t-ecr-password |');
    expect(out.text).not.toContain('s3cr3t');
    expect(out.text).toContain('password ***\n');
    expect(out.text).toContain('WARNING:\x1b[0m services/api/service.yml: retrying with ***');
    expect(out.text).toContain('ERROR:\x1b[0m denied: ***');
    expect(readFileSync(join(dir, 'cendence-summary.md'), 'utf8')).toBe('| pw | *** |\n');
  });

  test('prints debug lines only when CI_DEBUG_TRACE or CENDENCE_DEBUG is on', () => {
    make().debug('hidden');
    make({ CENDENCE_DEBUG: 'true' }).debug('shown');
    expect(out.text).toBe('debug: shown\n');
  });

  test('defaults the report files to cendence.env and cendence-summary.md, or CENDENCE_DOTENV/SUMMARY', () => {
    expect(new GitLabRunner({ env: {} }).dotenvFile).toBe('cendence.env');
    expect(new GitLabRunner({ env: {} }).summaryFile).toBe('cendence-summary.md');
    expect(new GitLabRunner({ env: { CENDENCE_DOTENV: 'x.env' } }).dotenvFile).toBe('x.env');
  });
});
