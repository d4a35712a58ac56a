// `cendence doctor`: checks what the steps need — Docker, region, credentials or an endpoint that
// answers — and prints each missing piece with the fix. Read-only: it calls only STS GetCallerIdentity.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { AwsClients, resolveRegion } from '../../aws/clients.js';
import { describeError, StepFailed, UserError } from '../../errors.js';
import { parseFlags } from '../args.js';
import type { Command, CommandContext } from '../command.js';

const run = promisify(execFile);

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
  fix?: string;
}

export async function checkDocker(env: NodeJS.ProcessEnv): Promise<Check> {
  try {
    const { stdout } = await run('docker', ['version', '--format', '{{.Server.Version}}'], {
      env,
      timeout: 10_000,
    });
    return { name: 'docker', ok: true, detail: `engine ${stdout.trim()}` };
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'ENOENT') {
      return {
        name: 'docker',
        ok: false,
        detail: 'the docker command is not installed',
        fix: 'install Docker (Debian: apt-get install docker.io), or use --engine buildah for builds',
      };
    }
    return {
      name: 'docker',
      ok: false,
      detail: 'no Docker engine answers',
      fix: 'start it: "sudo systemctl start docker", or "sudo dockerd > /tmp/dockerd.log 2>&1 &"',
    };
  }
}

export function checkRegion(env: NodeJS.ProcessEnv, region?: string): Check {
  try {
    return { name: 'region', ok: true, detail: resolveRegion({ region, env }) };
  } catch (err) {
    // The error carries its own fix: print it once, on the fix line.
    const fix = err instanceof UserError && err.fix ? err.fix : 'set AWS_REGION or pass --region';
    return {
      name: 'region',
      ok: false,
      detail: err instanceof UserError ? err.message : describeError(err),
      fix,
    };
  }
}

export async function checkAws(env: NodeJS.ProcessEnv, region?: string, endpoint?: string): Promise<Check> {
  const target = endpoint ?? env.AWS_ENDPOINT_URL_STS ?? env.AWS_ENDPOINT_URL;
  let aws: AwsClients | undefined;
  try {
    aws = new AwsClients({ region, endpoint, env, maxAttempts: 1 });
    const id = await aws.sts.send((sdk) => new sdk.GetCallerIdentityCommand({}), {
      abortSignal: AbortSignal.timeout(8000),
    });
    return {
      name: 'aws',
      ok: true,
      detail: `${id.Arn} (account ${id.Account})${target ? ` via ${target}` : ''}`,
    };
  } catch (err) {
    const e = err as Error;
    const noCreds = e.name === 'CredentialsProviderError' || /credential/i.test(e.message);
    return {
      name: 'aws',
      ok: false,
      detail: noCreds ? 'no AWS credentials found' : `${target ?? 'AWS'} did not answer: ${e.message}`,
      fix: noCreds
        ? target
          ? 'the emulator accepts any key: export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test'
          : 'CI: use OIDC (role-to-assume); locally: aws configure sso, or export AWS_PROFILE'
        : target
          ? `start the emulator ("cendence emulator --port 4566") or correct the endpoint`
          : 'check network access to AWS and the region',
    };
  } finally {
    aws?.destroy();
  }
}

export const doctorCommand: Command = {
  name: 'doctor',
  summary: 'check Docker, region, credentials or the endpoint, and say how to fix what is missing',
  help: `cendence doctor — check what the steps need and how to fix what is missing

Usage: cendence doctor [--region <region>] [--endpoint <url>]

Checks: the Docker engine answers; an AWS region is set; credentials work (STS GetCallerIdentity),
or, with --endpoint / AWS_ENDPOINT_URL, that the endpoint (e.g. the local emulator) answers.
Exit code 0 when everything is ready, 1 otherwise.`,
  async run(argv: string[], ctx: CommandContext) {
    const { values } = parseFlags('doctor', argv, {
      region: { type: 'string' },
      endpoint: { type: 'string' },
    });
    const region = checkRegion(ctx.env, values.region);
    const checks = [await checkDocker(ctx.env), region];
    if (region.ok) checks.push(await checkAws(ctx.env, region.detail, values.endpoint));
    for (const c of checks) {
      ctx.runner.info(
        `${c.ok ? '✓' : '✗'} ${c.name.padEnd(7)} ${c.detail}${c.fix ? `\n    fix: ${c.fix}` : ''}`,
      );
    }
    const missing = checks.filter((c) => !c.ok);
    if (missing.length > 0) {
      throw new StepFailed(
        `${missing.length} check(s) failed: ${missing.map((c) => c.name).join(', ')}`,
        checks,
      );
    }
    ctx.runner.info('ready');
    return { checks };
  },
};
