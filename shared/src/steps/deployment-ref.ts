// The one check of a held deployment's reference (deploy --continue, rollback --deployment): a CodeDeploy
// id (d-XXXXXXXXX) or an ECS service deployment ARN. Its own module so steps without it (plan, test) do
// not bundle the deploy code it leans on.
import { parseServiceDeploymentArn } from '../deploy/blue-green.js';
import { UserError } from '../errors.js';
import type { Inputs } from './step.js';

export function deploymentRef(i: Inputs, name: string): string | undefined {
  const v = i.string(name);
  if (!v || /^d-[A-Z0-9]{9}$/.test(v)) return v || undefined;
  try {
    parseServiceDeploymentArn(v);
  } catch (err) {
    if (err instanceof UserError) throw new UserError(err.message, name, err.fix);
    throw err;
  }
  return v;
}
