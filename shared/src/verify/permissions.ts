// verify's write-permission check: before any change, IAM's policy simulator (SimulatePrincipalPolicy, the
// way a real account allows a principal to ask about its own policies) answers whether the deploy role may
// make each change the deploy will make on the resources the manifests name — UpdateService on the service,
// RegisterTaskDefinition, PassRole of the execution and task roles to ECS tasks and of the infrastructure
// role to ECS, RunTask of the pre-deploy task, CodeDeploy's CreateDeployment. Not ECR pushes: push ran before
// verify in a release (and may run as another role), so asking about them here could only refuse a deploy falsely.
// Every refusal is a problem naming the action and the resource. When the role may not simulate (AccessDenied
// on the simulator), verify warns naming the missing permission and goes on read-only.
import type { AwsClients } from '../aws/clients.js';
import { assumedRoleArn } from '../aws/credentials.js';
import type { Runner } from '../runner/types.js';
import type { Problem } from '../taskdef/problems.js';
import type { VerifyTarget } from './verify.js';

/** One simulated question: these actions on these resources, with these condition keys. */
interface Ask {
  actions: string[];
  resource: string;
  context?: Record<string, string>;
  field: string;
}

/** The IAM principal behind the caller's identity: an assumed role's role, a role, or a user; else undefined. */
export function principalOf(callerArn: string): string | undefined {
  const role = /^arn:(aws[a-z-]*):sts::(\d{12}):assumed-role\/([^/]+)\/[^/]+$/.exec(callerArn);
  if (role) return `arn:${role[1]}:iam::${role[2]}:role/${role[3]}`;
  return /^arn:aws[a-z-]*:iam::\d{12}:(user|role)\//.test(callerArn) ? callerArn : undefined;
}

/** The write permissions one service's deploy needs, on the resources its manifest names. */
export function asksFor(t: VerifyTarget, account: string, region: string, partition = 'aws'): Ask[] {
  const arn = (svc: string, rgn: string, res: string, acct = account) =>
    `arn:${partition}:${svc}:${rgn}:${acct}:${res}`;
  const clusterArn = arn('ecs', region, `cluster/${t.cluster}`);
  const asks: Ask[] = [
    {
      actions: ['ecs:UpdateService'],
      resource: arn('ecs', region, `service/${t.cluster}/${t.service}`),
      context: { 'ecs:cluster': clusterArn },
      field: `${t.file} deploy.service`,
    },
    { actions: ['ecs:RegisterTaskDefinition'], resource: '*', field: `${t.file} (task definition)` },
  ];
  for (const [key, role] of [
    ['executionRoleArn', t.executionRoleArn],
    ['taskRoleArn', t.taskRoleArn],
  ] as const) {
    if (role) {
      asks.push({
        actions: ['iam:PassRole'],
        resource: role,
        context: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' },
        field: `${t.file} (${key})`,
      });
    }
  }
  if (t.blueGreen && ['blue-green', 'canary', 'linear'].includes(t.strategy)) {
    asks.push({
      actions: ['iam:PassRole'],
      resource: t.blueGreen.roleArn,
      context: { 'iam:PassedToService': 'ecs.amazonaws.com' },
      field: `${t.file} deploy.blueGreen.roleArn`,
    });
  }
  if (t.runsTask && t.family) {
    asks.push({
      actions: ['ecs:RunTask'],
      resource: arn('ecs', region, `task-definition/${t.family}:*`),
      context: { 'ecs:cluster': clusterArn },
      field: `${t.file} deploy.preDeployTask`,
    });
  }
  if (t.codedeploy && t.strategy === 'codedeploy') {
    asks.push({
      actions: ['codedeploy:CreateDeployment'],
      resource: arn(
        'codedeploy',
        region,
        `deploymentgroup:${t.codedeploy.application}/${t.codedeploy.deploymentGroup}`,
      ),
      field: `${t.file} deploy.codedeploy.deploymentGroup`,
    });
  }
  return asks;
}

interface Batch {
  asks: Ask[];
  context: Record<string, string>;
}

/**
 * Asks whose condition keys do not disagree go to the simulator in one call (every action on every resource;
 * the pairs nobody asked about are ignored): usually two calls, since PassRole goes to two services.
 */
function batches(asks: Ask[]): Batch[] {
  const out: Batch[] = [];
  for (const a of asks) {
    const ctx = a.context ?? {};
    const fits = (b: Batch) =>
      Object.entries(ctx).every(([k, v]) => b.context[k] === undefined || b.context[k] === v);
    const batch = out.find(fits);
    if (batch) {
      batch.asks.push(a);
      Object.assign(batch.context, ctx);
    } else out.push({ asks: [a], context: { ...ctx } });
  }
  return out;
}

const isDenied = (err: unknown) => ['AccessDenied', 'AccessDeniedException'].includes((err as Error)?.name);

/** Simulates every write the targets' deploys make; refusals become problems. */
export async function checkPermissions(
  aws: AwsClients,
  targets: VerifyTarget[],
  problems: Problem[],
  checked: string[],
  runner?: Runner,
): Promise<void> {
  const warn = (message: string) => (runner ? runner.warning(message) : checked.push(`warning: ${message}`));
  // The OIDC exchange already said who we are (STS's AssumedRoleUser); only other credentials need asking.
  const callerArn =
    assumedRoleArn(aws.options.credentials) ??
    (await aws.sts.send((sdk) => new sdk.GetCallerIdentityCommand({}))).Arn ??
    '';
  const principal = principalOf(callerArn);
  if (!principal) {
    warn(
      `write permissions not checked: ${callerArn} is neither a role (assumed or not) nor an IAM user, so IAM cannot simulate its policies`,
    );
    return;
  }
  const [, partition, , , account] = principal.split(':');
  const asks = targets.flatMap((t) => asksFor(t, account, aws.region, partition));
  const refused: Problem[] = [];
  let allowed = 0;
  try {
    await Promise.all(
      batches(asks).map(async ({ asks: batch, context }) => {
        const resources = [...new Set(batch.map((a) => a.resource))];
        const results = [];
        let marker: string | undefined;
        do {
          const out = await aws.iam.send(
            (sdk) =>
              new sdk.SimulatePrincipalPolicyCommand({
                PolicySourceArn: principal,
                ActionNames: [...new Set(batch.flatMap((a) => a.actions))],
                ResourceArns: resources,
                ContextEntries: Object.entries(context).map(([k, v]) => ({
                  ContextKeyName: k,
                  ContextKeyValues: [v],
                  ContextKeyType: 'string',
                })),
                ...(marker ? { Marker: marker } : {}),
              }),
          );
          results.push(...(out.EvaluationResults ?? []));
          marker = out.IsTruncated ? out.Marker : undefined;
        } while (marker);
        for (const r of results) {
          const users = batch.filter(
            (a) => a.resource === r.EvalResourceName && a.actions.includes(String(r.EvalActionName)),
          );
          if (users.length === 0) continue;
          if (r.EvalDecision === 'allowed') {
            allowed++;
            continue;
          }
          refused.push({
            field: [...new Set(users.map((a) => a.field))].join(', '),
            message: `the deploy role ${principal} may not perform ${r.EvalActionName} on resource: ${r.EvalResourceName} (${r.EvalDecision === 'explicitDeny' ? 'an explicit deny' : 'no statement of its policies allows it'})`,
            fix: `use the names terraform/ created (pass terraform-outputs), or grant ${r.EvalActionName} on that resource in terraform/ci_identity.tf`,
          });
        }
      }),
    );
  } catch (err) {
    if (!isDenied(err) && (err as Error)?.name !== 'NoSuchEntityException') throw err;
    warn(
      isDenied(err)
        ? `write permissions not checked (read-only checks go on): ${principal} may not call iam:SimulatePrincipalPolicy on itself; grant it in terraform/ci_identity.tf`
        : `write permissions not checked: IAM does not know ${principal}`,
    );
    return;
  }
  // Several services share a role or repository: name each refusal once.
  const seen = new Set<string>();
  for (const p of refused) {
    const key = p.field + p.message;
    if (!seen.has(key)) problems.push(p);
    seen.add(key);
  }
  if (refused.length === 0) checked.push(`${principal} may make all ${allowed} changes the deploy makes`);
}
