// The cancel policy: what happens to a deployment still in flight when the job is cancelled (SIGINT,
// SIGTERM, a cancelled CI job) or the wait times out. `rollback` (the default) asks ECS to roll back —
// StopServiceDeployment ROLLBACK where we know the service deployment, else UpdateService back to the
// task definition that was live before — or stops a CodeDeploy deployment with auto-rollback. `leave`
// lets it run. Either way the step exits non-zero; we do not wait for the rollback here, because a
// cancelled CI job has only seconds left.
import { StopServiceDeploymentCommand, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import type { AwsClients } from '../aws/clients.js';
import { API_UNAVAILABLE, isAwsError } from '../aws/errors.js';
import type { CancelPolicy } from './types.js';

export interface InFlight {
  cluster: string;
  service: string;
  serviceDeploymentArn?: string;
  codedeployDeploymentId?: string;
  previousTaskDefinition?: string;
}

/** StopServiceDeployment's answers for a deployment that cannot be stopped (finished, or no such API). */
const NOT_STOPPABLE = [...API_UNAVAILABLE, 'ConflictException', 'ServiceDeploymentNotFoundException'];

function describeAws(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

export const CANCEL_POLICIES: readonly CancelPolicy[] = ['rollback', 'leave'];

/** Applies the policy; returns one sentence saying what was done, for the log and the record. */
export async function applyCancelPolicy(aws: AwsClients, d: InFlight, policy: CancelPolicy): Promise<string> {
  if (policy === 'leave') return 'left the deployment running (--on-cancel leave)';
  if (d.codedeployDeploymentId) {
    await aws.codedeploy.send(
      (sdk) =>
        new sdk.StopDeploymentCommand({ deploymentId: d.codedeployDeploymentId, autoRollbackEnabled: true }),
    );
    return `stopped CodeDeploy deployment ${d.codedeployDeploymentId} with rollback`;
  }
  let refused = '';
  if (d.serviceDeploymentArn) {
    try {
      await aws.ecs.send(
        new StopServiceDeploymentCommand({
          serviceDeploymentArn: d.serviceDeploymentArn,
          stopType: 'ROLLBACK',
        }),
      );
      return `asked ECS to roll back (StopServiceDeployment ROLLBACK ${d.serviceDeploymentArn})`;
    } catch (err) {
      // Not stoppable (already finished, or the API is unavailable): fall back to redeploying the previous
      // revision. Anything else (AccessDenied…) falls back too — a rollback matters more — but is said.
      if (!isAwsError(err, ...NOT_STOPPABLE))
        refused = `StopServiceDeployment failed (${describeAws(err)}); `;
    }
  }
  if (d.previousTaskDefinition) {
    await aws.ecs.send(
      new UpdateServiceCommand({
        cluster: d.cluster,
        service: d.service,
        taskDefinition: d.previousTaskDefinition,
      }),
    );
    return `${refused}returned the service to ${d.previousTaskDefinition} (UpdateService)`;
  }
  return `${refused}nothing to roll back to: this was the service's first deployment`;
}
