// STS: GetCallerIdentity and AssumeRoleWithWebIdentity. The web identity token is checked for shape
// (a JWT: three base64url parts, an RS*/ES* header), an audience and an unexpired exp. In a world with IAM
// (--terraform) the token must also be signed by the test issuer key and satisfy the role's trust policy
// (iam/trust.ts); without IAM any issuer is trusted.
import { randomBytes } from 'node:crypto';
import { worldOf } from '../context.js';
import { iamOf } from '../iam/state.js';
import { checkWebIdentity } from '../iam/trust.js';
import type { World } from '../state.js';
import type { ServiceHandlers } from '../types.js';
import { AwsError } from '../types.js';

export interface Session {
  roleArn: string;
  sessionName: string;
  roleId: string;
  /** arn:aws:sts::<account>:assumed-role/<role>/<session> */
  arn: string;
}

/** The assumed-role session behind an access key id, if any. */
export function sessionOf(world: World, accessKeyId: string | undefined): Session | undefined {
  return accessKeyId ? world.slot('sts', () => new Map<string, Session>()).get(accessKeyId) : undefined;
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const upperId = (prefix: string, n = 16): string =>
  prefix + [...randomBytes(n)].map((b) => ALNUM[b % ALNUM.length]).join('');

function decodePart(part: string): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return v && typeof v === 'object' ? v : undefined;
  } catch {
    return undefined;
  }
}

const invalidToken = (why: string) => new AwsError('InvalidIdentityToken', why, 400);

export const stsHandlers: ServiceHandlers = {
  GetCallerIdentity(_input, ctx) {
    const world = worldOf(ctx);
    const sessions = world.slot('sts', () => new Map<string, Session>());
    const s = ctx.accessKeyId ? sessions.get(ctx.accessKeyId) : undefined;
    if (s) {
      const role = s.roleArn
        .slice(s.roleArn.indexOf(':role/') + 6)
        .split('/')
        .pop();
      return {
        UserId: `${s.roleId}:${s.sessionName}`,
        Account: world.accountId,
        Arn: `arn:aws:sts::${world.accountId}:assumed-role/${role}/${s.sessionName}`,
      };
    }
    return {
      UserId: 'AIDAEMULATOR000000000',
      Account: world.accountId,
      Arn: `arn:aws:iam::${world.accountId}:user/cendence-emulator`,
    };
  },

  AssumeRoleWithWebIdentity(input, ctx) {
    const world = worldOf(ctx);
    const roleArn = String(input.RoleArn ?? '');
    const sessionName = String(input.RoleSessionName ?? '');
    const token = String(input.WebIdentityToken ?? '');
    if (!/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/.test(roleArn)) {
      throw new AwsError(
        'ValidationError',
        `1 validation error detected: Value '${roleArn}' at 'roleArn' failed to satisfy constraint: Member must be a valid role ARN`,
      );
    }
    if (!/^[\w+=,.@-]{2,64}$/.test(sessionName)) {
      throw new AwsError(
        'ValidationError',
        `1 validation error detected: Value '${sessionName}' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*`,
      );
    }
    const duration = input.DurationSeconds === undefined ? 3600 : Number(input.DurationSeconds);
    if (!(duration >= 900 && duration <= 43200)) {
      throw new AwsError(
        'ValidationError',
        `1 validation error detected: Value '${duration}' at 'durationSeconds' failed to satisfy constraint: Member must have value between 900 and 43200`,
      );
    }
    const parts = token.split('.');
    if (parts.length !== 3 || parts.some((p) => p === ''))
      throw invalidToken("Couldn't parse the web identity token: it is not a JWT");
    const header = decodePart(parts[0]);
    const claims = decodePart(parts[1]);
    if (!header || !claims)
      throw invalidToken("Couldn't parse the web identity token: header or payload is not JSON");
    if (typeof header.alg !== 'string' || !/^(RS|ES)(256|384|512)$/.test(header.alg)) {
      throw invalidToken('The web identity token must be signed with RS256/384/512 or ES256/384/512');
    }
    const aud = Array.isArray(claims.aud) ? claims.aud[0] : claims.aud;
    if (typeof aud !== 'string' || aud === '') throw invalidToken('Incorrect token audience');
    if (typeof claims.exp !== 'number') throw invalidToken('The web identity token has no exp claim');
    const now = world.clock.now();
    // The CI issued the token on the wall clock: its exp is judged on wall time, not on the emulated
    // clock, which runs ahead at --speed > 1 and jumps in virtual mode.
    const wall = Date.now();
    if (claims.exp * 1000 <= wall) {
      throw new AwsError(
        'ExpiredTokenException',
        `Token expired: current date/time ${Math.floor(wall / 1000)} must be before the expiration date/time ${claims.exp}`,
      );
    }
    const iam = iamOf(world);
    if (iam.enforce) checkWebIdentity(iam, roleArn, token, claims, duration);
    const sessions = world.slot('sts', () => new Map<string, Session>());
    const accessKeyId = upperId('ASIA');
    const roleId = upperId('AROA', 17);
    const role = roleArn
      .slice(roleArn.indexOf(':role/') + 6)
      .split('/')
      .pop();
    const arn = `arn:aws:sts::${roleArn.split(':')[4]}:assumed-role/${role}/${sessionName}`;
    sessions.set(accessKeyId, { roleArn, sessionName, roleId, arn });
    const iss = typeof claims.iss === 'string' ? claims.iss.replace(/^https:\/\//, '') : undefined;
    return {
      Credentials: {
        AccessKeyId: accessKeyId,
        SecretAccessKey: randomBytes(30).toString('base64'),
        SessionToken: `IQoJb3JpZ2luX2VjE${randomBytes(96).toString('base64')}`,
        Expiration: new Date(now + duration * 1000),
      },
      SubjectFromWebIdentityToken: typeof claims.sub === 'string' ? claims.sub : undefined,
      AssumedRoleUser: {
        AssumedRoleId: `${roleId}:${sessionName}`,
        Arn: arn,
      },
      Provider: iss,
      Audience: aud,
    };
  },
};
