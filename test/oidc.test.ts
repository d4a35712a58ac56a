// OIDC web identity, the way CI runs it: GitHub hands out a token over HTTP to the job, GitLab puts it
// in an id_tokens variable; Cendence exchanges it with STS (the emulator's, over the query protocol).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type Emulator, startEmulator } from '../emulator/src/index.js';
import { AwsClients } from '../shared/src/aws/clients.js';
import { connect } from '../shared/src/aws/connect.js';
import {
  assumedRoleArn,
  githubIdToken,
  oidcCredentials,
  REFRESH_MARGIN_MS,
} from '../shared/src/aws/credentials.js';
import { UserError } from '../shared/src/errors.js';
import { signingIdentity } from '../shared/src/registry/sign.js';
import { TerminalRunner } from '../shared/src/runner/terminal.js';
import { checkPermissions, principalOf } from '../shared/src/verify/permissions.js';

const ROLE = 'arn:aws:iam::123456789012:role/cendence-deploy';

function jwt(claims: Record<string, unknown>): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ alg: 'RS256', typ: 'JWT' })}.${part(claims)}.${Buffer.from('signature').toString('base64url')}`;
}

function captured() {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (d: Buffer) => {
    text += d.toString();
  });
  return { runner: new TerminalRunner({ stream, debug: true }), text: () => text };
}

let emu: Emulator;
let tokenServer: http.Server;
let tokenUrl: string;
const requestToken = 'runner-request-token-0123456789';
const ghToken = jwt({
  aud: 'sts.amazonaws.com',
  sub: 'repo:cendence/app:environment:production',
  exp: Math.floor(Date.now() / 1000) + 600,
});
let audienceAsked: string | null = null;
let bearerSeen: string | undefined;

beforeAll(async () => {
  emu = await startEmulator();
  tokenServer = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    audienceAsked = url.searchParams.get('audience');
    bearerSeen = req.headers.authorization;
    if (req.headers.authorization !== `Bearer ${requestToken}`) {
      res.writeHead(401).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ value: ghToken }));
  });
  await new Promise<void>((r) => tokenServer.listen(0, '127.0.0.1', r));
  tokenUrl = `http://127.0.0.1:${(tokenServer.address() as AddressInfo).port}/token?api-version=2.0`;
});

afterAll(async () => {
  tokenServer.close();
  await emu.stop();
});

const ctxWith = (env: NodeJS.ProcessEnv, runner: TerminalRunner) => ({
  runner,
  env: { AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'y', ...env },
  signal: new AbortController().signal,
  cwd: process.cwd(),
});

describe('OIDC web identity', () => {
  it('GitHub: requests the id token for sts.amazonaws.com and assumes the role, masking the tokens', async () => {
    const out = captured();
    const ctx = ctxWith(
      {
        ACTIONS_ID_TOKEN_REQUEST_URL: tokenUrl,
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: requestToken,
        GITHUB_RUN_ID: '42',
      },
      out.runner,
    );
    const aws = await connect({ region: 'us-east-1', endpoint: emu.url, roleToAssume: ROLE }, ctx);
    const id = await aws.sts.send(new GetCallerIdentityCommand({}));
    aws.destroy();
    expect(audienceAsked).toBe('sts.amazonaws.com');
    expect(id.Arn).toBe('arn:aws:sts::123456789012:assumed-role/cendence-deploy/cendence-42');
    const calls = emu.calls({ service: 'sts' }).map((c) => c.operation);
    expect(calls).toEqual(expect.arrayContaining(['AssumeRoleWithWebIdentity', 'GetCallerIdentity']));
    out.runner.info(`debugging: ${ghToken} ${requestToken}`);
    expect(out.text()).not.toContain(ghToken);
    expect(out.text()).not.toContain(requestToken);
    expect(out.text()).toContain('***');
  });

  it('GitLab: uses the id_tokens variable', async () => {
    const out = captured();
    const token = jwt({ aud: 'https://gitlab.example', exp: Math.floor(Date.now() / 1000) + 600 });
    const ctx = ctxWith({ CENDENCE_ID_TOKEN: token, CI_JOB_ID: '7' }, out.runner);
    const aws = await connect({ region: 'us-east-1', endpoint: emu.url, roleToAssume: ROLE }, ctx);
    const id = await aws.sts.send(new GetCallerIdentityCommand({}));
    aws.destroy();
    expect(id.Arn).toContain('assumed-role/cendence-deploy/cendence-7');
  });

  it('an expired token is refused by STS with its own exception', async () => {
    const out = captured();
    const token = jwt({ aud: 'sts.amazonaws.com', exp: Math.floor(Date.now() / 1000) - 60 });
    const ctx = ctxWith({ CENDENCE_ID_TOKEN: token }, out.runner);
    await expect(
      connect({ region: 'us-east-1', endpoint: emu.url, roleToAssume: ROLE }, ctx),
    ).rejects.toMatchObject({
      name: 'ExpiredTokenException',
    });
  });

  it('without a token, says which permission or variable to add, before calling STS', async () => {
    const before = emu.calls().length;
    const out = captured();
    const err = await connect(
      { region: 'us-east-1', endpoint: emu.url, roleToAssume: ROLE },
      ctxWith({}, out.runner),
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).fix).toContain('id-token: write');
    expect((err as UserError).fix).toContain('id_tokens');
    expect(emu.calls().length).toBe(before);
  });

  it('rejects a malformed role ARN naming the input', async () => {
    const out = captured();
    const err = await connect(
      { region: 'us-east-1', endpoint: emu.url, roleToAssume: 'cendence-deploy' },
      ctxWith({ CENDENCE_ID_TOKEN: ghToken }, out.runner),
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).where).toBe('role-to-assume');
  });

  it('the runner refusing a token (no id-token permission) is a clear error', async () => {
    const out = captured();
    const ctx = ctxWith(
      { ACTIONS_ID_TOKEN_REQUEST_URL: tokenUrl, ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'wrong-request-token' },
      out.runner,
    );
    await expect(
      connect({ region: 'us-east-1', endpoint: emu.url, roleToAssume: ROLE }, ctx),
    ).rejects.toThrow('the runner refused an OIDC token for sts.amazonaws.com (HTTP 401)');
  });

  it('audience, session length and session name are inputs; the session is renewed before it ends', async () => {
    const out = captured();
    const ctx = ctxWith(
      { ACTIONS_ID_TOKEN_REQUEST_URL: tokenUrl, ACTIONS_ID_TOKEN_REQUEST_TOKEN: requestToken },
      out.runner,
    );
    const sts = new AwsClients({ region: 'us-east-1', endpoint: emu.url, env: ctx.env });
    let clock = Date.now();
    const before = emu.calls({ service: 'sts' }).length;
    const provider = await oidcCredentials(
      { roleArn: ROLE, audience: 'cendence-ci', durationSeconds: 900, sessionName: 'release-7' },
      sts,
      ctx,
      { now: () => clock },
    );
    expect(audienceAsked).toBe('cendence-ci');
    const first = await provider();
    const life = first.expiration!.getTime() - Date.now();
    expect(life).toBeGreaterThan(880_000);
    expect(life).toBeLessThanOrEqual(900_000);
    // Within the session: the same credentials, no new exchange.
    expect((await provider()).accessKeyId).toBe(first.accessKeyId);
    // A long wave later, inside the refresh margin: one new exchange for concurrent callers.
    clock = first.expiration!.getTime() - REFRESH_MARGIN_MS + 1000;
    const [a, b] = await Promise.all([provider(), provider()]);
    expect(a.accessKeyId).not.toBe(first.accessKeyId);
    expect(b.accessKeyId).toBe(a.accessKeyId);
    const exchanges = emu
      .calls({ service: 'sts' })
      .slice(before)
      .filter((c) => c.operation === 'AssumeRoleWithWebIdentity');
    expect(exchanges.length).toBe(2);
    const renewed = new AwsClients({ region: 'us-east-1', endpoint: emu.url, credentials: provider });
    const id = await renewed.sts.send(new GetCallerIdentityCommand({}));
    expect(id.Arn).toBe('arn:aws:sts::123456789012:assumed-role/cendence-deploy/release-7');
    renewed.destroy();
    sts.destroy();
  });

  it('a transient InvalidIdentityToken is retried; a lasting one fails', async () => {
    const out = captured();
    const ctx = ctxWith({ CENDENCE_ID_TOKEN: ghToken }, out.runner);
    const sts = new AwsClients({ region: 'us-east-1', endpoint: emu.url, env: ctx.env });
    emu.fault({
      service: 'sts',
      operation: 'AssumeRoleWithWebIdentity',
      error: 'InvalidIdentityToken',
      times: 2,
    });
    const provider = await oidcCredentials({ roleArn: ROLE }, sts, ctx, { retryDelayMs: 10 });
    expect((await provider()).accessKeyId).toMatch(/^ASIA/);
    expect(out.text()).toContain('STS answered InvalidIdentityTokenException; trying again');
    emu.fault({
      service: 'sts',
      operation: 'AssumeRoleWithWebIdentity',
      error: 'InvalidIdentityToken',
      times: 4,
    });
    await expect(oidcCredentials({ roleArn: ROLE }, sts, ctx, { retryDelayMs: 10 })).rejects.toMatchObject({
      name: 'InvalidIdentityTokenException',
    });
    sts.destroy();
  });

  it('bad role options are refused naming the input, before any STS call', async () => {
    const before = emu.calls().length;
    const out = captured();
    for (const [role, where] of [
      [{ durationSeconds: 60 }, 'role-duration-seconds'],
      [{ sessionName: 'has space' }, 'role-session-name'],
      [{ audience: ' ' }, 'audience'],
    ] as const) {
      const err = await connect(
        { region: 'us-east-1', endpoint: emu.url, roleToAssume: ROLE, role },
        ctxWith({ CENDENCE_ID_TOKEN: ghToken }, out.runner),
      ).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UserError);
      expect((err as UserError).where).toBe(where);
    }
    expect(emu.calls().length).toBe(before);
  });

  it('one GitHub token request serves STS and sigstore: audience, bearer header, both tokens masked by the caller', async () => {
    const env = { ACTIONS_ID_TOKEN_REQUEST_URL: tokenUrl, ACTIONS_ID_TOKEN_REQUEST_TOKEN: requestToken };
    // The request itself: the audience asked for, the runner's bearer token; nothing masked (the caller's job).
    expect(await githubIdToken(env, 'sigstore')).toBe(ghToken);
    expect(audienceAsked).toBe('sigstore');
    expect(bearerSeen).toBe(`Bearer ${requestToken}`);
    expect(await githubIdToken({}, 'sigstore')).toBeUndefined();
    // Both callers mask the request token before asking and the token they get back.
    for (const call of [
      (runner: TerminalRunner) => signingIdentity(env, runner),
      (runner: TerminalRunner) =>
        connect({ region: 'us-east-1', endpoint: emu.url, roleToAssume: ROLE }, ctxWith(env, runner)),
    ]) {
      const out = captured();
      const masked: string[] = [];
      const mask = out.runner.mask.bind(out.runner);
      out.runner.mask = (secret: string) => {
        masked.push(secret);
        mask(secret);
      };
      await call(out.runner);
      expect(masked.slice(0, 2)).toEqual([requestToken, ghToken]);
      out.runner.info(`leak? ${requestToken} ${ghToken}`);
      expect(out.text()).not.toContain(requestToken);
      expect(out.text()).not.toContain(ghToken);
    }
    expect(audienceAsked).toBe('sts.amazonaws.com');
  });

  it("verify's permission check takes the caller from the OIDC exchange: no GetCallerIdentity", async () => {
    const out = captured();
    const aws = await connect(
      { region: 'us-east-1', endpoint: emu.url, roleToAssume: ROLE },
      ctxWith({ CENDENCE_ID_TOKEN: ghToken, CI_JOB_ID: '9' }, out.runner),
    );
    expect(assumedRoleArn(aws.options.credentials)).toBe(
      'arn:aws:sts::123456789012:assumed-role/cendence-deploy/cendence-9',
    );
    const target = {
      name: 'api',
      file: 'services/api/service.yml',
      cluster: 'prod',
      service: 'api',
      strategy: 'rolling' as const,
      images: [],
      logGroups: [],
    };
    const count = async (clients: AwsClients) => {
      const since = emu.calls().at(-1)?.seq ?? 0;
      const checked: string[] = [];
      await checkPermissions(clients, [target], [], checked);
      const ops = emu.calls({ since }).map((c) => c.operation);
      return { checked, identity: ops.filter((o) => o === 'GetCallerIdentity').length, ops };
    };
    const viaRole = await count(aws);
    expect(viaRole.identity).toBe(0);
    expect(viaRole.ops).toContain('SimulatePrincipalPolicy');
    // The simulator was asked about the role behind the session, named in what verify reports.
    expect(viaRole.checked.join('\n')).toContain('arn:aws:iam::123456789012:role/cendence-deploy');
    aws.destroy();
    // Keys from the environment say nothing of who they are: then STS is asked, once.
    const keys = new AwsClients({ region: 'us-east-1', endpoint: emu.url, env: ctxWith({}, out.runner).env });
    expect(assumedRoleArn(keys.options.credentials)).toBeUndefined();
    expect((await count(keys)).identity).toBe(1);
    keys.destroy();
    // Whom the simulator is asked about: the role behind a session (or a role ARN STS left unsaid), a user.
    expect(principalOf('arn:aws:sts::123456789012:assumed-role/deploy/cendence-9')).toBe(
      'arn:aws:iam::123456789012:role/deploy',
    );
    expect(principalOf('arn:aws:iam::123456789012:role/deploy')).toBe(
      'arn:aws:iam::123456789012:role/deploy',
    );
    expect(principalOf('arn:aws:iam::123456789012:user/ci')).toBe('arn:aws:iam::123456789012:user/ci');
    expect(principalOf('arn:aws:sts::123456789012:federated-user/x')).toBeUndefined();
  });
});
