// Errors are narrowed, never swallowed: each catch lets through only the AWS error names (or file system
// codes) it expects and passes on the rest. An AccessDenied on ListServiceDeployments used to be taken for
// "API unavailable", quietly turning the cancel-time ECS rollback into a plain redeploy.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ECSClient } from '@aws-sdk/client-ecs';
import { describe, expect, it } from '@jest/globals';
import type { AwsClients } from '../shared/src/aws/clients.js';
import { applyCancelPolicy } from '../shared/src/deploy/cancel.js';
import { revisionTaskDefinitions } from '../shared/src/deploy/continue.js';
import { readRecord } from '../shared/src/deploy/record.js';
import { findServiceDeploymentArn } from '../shared/src/deploy/rolling.js';
import { readDockerignore } from '../shared/src/image/context.js';

const awsError = (name: string) => Object.assign(new Error(`${name} from AWS`), { name });

/** An ECS client answering each operation (by command class name) with a value or an error. */
function ecs(answers: Record<string, unknown>): ECSClient & { sent: string[] } {
  const sent: string[] = [];
  return {
    sent,
    async send(command: object) {
      const op = command.constructor.name.replace(/Command$/, '');
      sent.push(op);
      const a = answers[op];
      if (a instanceof Error) throw a;
      return a ?? {};
    },
  } as unknown as ECSClient & { sent: string[] };
}

describe('ListServiceDeployments', () => {
  it('where the API is not offered: no ARN, the deploy goes on', async () => {
    const client = ecs({ ListServiceDeployments: awsError('UnsupportedFeatureException') });
    await expect(findServiceDeploymentArn(client, 'main', 'api')).resolves.toBeUndefined();
  });

  it('AccessDenied is not taken for "unavailable": it fails loudly', async () => {
    const client = ecs({ ListServiceDeployments: awsError('AccessDeniedException') });
    await expect(findServiceDeploymentArn(client, 'main', 'api')).rejects.toThrow('AccessDeniedException');
  });
});

describe('DescribeServiceRevisions', () => {
  it('unavailable: an empty map; denied: the error', async () => {
    const off = ecs({ DescribeServiceRevisions: awsError('UnsupportedFeatureException') });
    await expect(revisionTaskDefinitions(off, ['arn:rev'])).resolves.toEqual(new Map());
    const denied = ecs({ DescribeServiceRevisions: awsError('AccessDeniedException') });
    await expect(revisionTaskDefinitions(denied, ['arn:rev'])).rejects.toThrow('AccessDeniedException');
  });
});

describe('cancel-time rollback', () => {
  const inFlight = {
    cluster: 'main',
    service: 'api',
    serviceDeploymentArn: 'arn:aws:ecs:us-east-1:123456789012:service-deployment/main/api/x',
    previousTaskDefinition: 'arn:aws:ecs:us-east-1:123456789012:task-definition/api:1',
  };

  it('a finished deployment falls back to the previous revision without noise', async () => {
    const client = ecs({ StopServiceDeployment: awsError('ConflictException') });
    const said = await applyCancelPolicy({ ecs: client } as unknown as AwsClients, inFlight, 'rollback');
    expect(client.sent).toEqual(['StopServiceDeployment', 'UpdateService']);
    expect(said).toBe(`returned the service to ${inFlight.previousTaskDefinition} (UpdateService)`);
  });

  it('a denied StopServiceDeployment still rolls back, and says why it could not stop', async () => {
    const client = ecs({ StopServiceDeployment: awsError('AccessDeniedException') });
    const said = await applyCancelPolicy({ ecs: client } as unknown as AwsClients, inFlight, 'rollback');
    expect(client.sent).toEqual(['StopServiceDeployment', 'UpdateService']);
    expect(said).toMatch(
      /^StopServiceDeployment failed \(AccessDeniedException: .*\); returned the service to/,
    );
  });
});

describe('files', () => {
  it('a missing file is expected; a path through a file or an unreadable one is not hidden', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cendence-narrow-'));
    try {
      await expect(readDockerignore(dir)).resolves.toEqual([]);
      await expect(readRecord(path.join(dir, 'none.json'))).rejects.toThrow('record file not found');
      await expect(readRecord(dir)).rejects.toThrow(/record file unreadable: EISDIR/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
