// build and push check the container engine (a CLI process: `docker version` or `buildah version`) and
// log in to ECR before their work. Neither needs the other, and the CLI's start-up is the slowest part
// of the step's start, so both run side by side: the first AWS request no longer waits for the engine.
import type { AwsClients } from '../aws/clients.js';
import { type AwsSettings, connect } from '../aws/connect.js';
import type { AwsContext } from '../aws/credentials.js';
import type { ImageEngine } from '../image/engine.js';
import { ecrLogin, type RegistryAuth } from '../registry/ecr-auth.js';

export interface Connected {
  aws: AwsClients;
  /** Present when asked for. */
  login?: RegistryAuth;
}

/**
 * Connects to AWS (and logs in to ECR when `login`) while `engine` is checked, when given. A failed check
 * wins, as when it ran first: the clients are released and its error thrown. Nothing here mutates.
 */
export async function connectBesideEngine(
  engine: ImageEngine | undefined,
  settings: AwsSettings,
  ctx: AwsContext,
  login: boolean,
  limitSeconds?: number,
): Promise<Connected> {
  const check = engine?.check();
  check?.catch(() => {}); // awaited below; no unhandled rejection while the login runs
  let done: Connected | undefined;
  try {
    const aws = await connect(settings, ctx, limitSeconds);
    done = { aws };
    if (login) done.login = await ecrLogin(aws, ctx.runner);
    await check;
    return done;
  } catch (err) {
    done?.aws.destroy();
    await check;
    throw err;
  }
}
