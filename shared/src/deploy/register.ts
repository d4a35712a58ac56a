// Registering the rendered task definitions of a release: each family once (services sharing a family
// share the revision), through a small concurrency limit because RegisterTaskDefinition is throttled at
// about 1 TPS sustained. The family check is pure and runs before anything is changed.
import { type ECSClient, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { UserError } from '../errors.js';
import { Limiter } from './pacing.js';
import type { ImageUse, ServiceTarget } from './types.js';

/** Stable JSON (sorted keys) so two renders of the same task definition compare equal. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Family → the targets using it. Two services rendering different content under one family is an error. */
export function familiesOf(targets: ServiceTarget[]): Map<string, ServiceTarget[]> {
  const families = new Map<string, ServiceTarget[]>();
  for (const t of targets) {
    const family = t.taskDefinition.family;
    if (!family) throw new UserError('the rendered task definition has no family', `services/${t.name}`);
    const same = families.get(family);
    if (same && canonicalJson(same[0].taskDefinition) !== canonicalJson(t.taskDefinition)) {
      throw new UserError(
        `services "${same[0].name}" and "${t.name}" render different task definitions for family "${family}"`,
        `services/${t.name}: deploy.taskDefinition`,
        'give each service its own family, or make their templates and images identical',
      );
    }
    families.set(family, [...(same ?? []), t]);
  }
  return families;
}

/** Registers each family once; returns service name → new task definition ARN. */
export async function registerFamilies(
  ecs: ECSClient,
  targets: ServiceTarget[],
  concurrency = 2,
): Promise<Map<string, string>> {
  const limiter = new Limiter(concurrency);
  const arns = new Map<string, string>();
  await Promise.all(
    [...familiesOf(targets)].map(([family, users]) =>
      limiter.run(async () => {
        const out = await ecs.send(new RegisterTaskDefinitionCommand(users[0].taskDefinition));
        const arn = out.taskDefinition?.taskDefinitionArn;
        if (!arn) throw new Error(`RegisterTaskDefinition for ${family} returned no ARN`);
        for (const u of users) arns.set(u.name, arn);
      }),
    ),
  );
  return arns;
}

/** The images a task definition runs, with the digest when the reference pins one. */
export function imagesOf(target: ServiceTarget): ImageUse[] {
  return (target.taskDefinition.containerDefinitions ?? []).map((c) => {
    const image = c.image ?? '';
    const digest = /@(sha256:[0-9a-f]{64})$/.exec(image)?.[1];
    return { container: c.name ?? '', image, ...(digest ? { digest } : {}) };
  });
}
