// The deployment record: one JSON file per deploy (or rollback) saying what was live before, what was
// deployed (task definition revisions, image digests), how (strategy), when, and how it ended. It is the
// evidence trail and the rollback step's source of "the revision that was live before". Also owns the
// optional clean-up of old revisions (keep the newest N, never one in use).

import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  DeregisterTaskDefinitionCommand,
  type ECSClient,
  ListTaskDefinitionsCommand,
} from '@aws-sdk/client-ecs';
import { UserError } from '../errors.js';
import { parseStrictJson } from '../strict-json.js';
import type { ServiceResult } from './types.js';

export const RECORD_VERSION = 1;

export interface DeploymentRecord {
  version: typeof RECORD_VERSION;
  kind: 'deploy' | 'rollback';
  startedAt: string;
  finishedAt: string;
  durationSeconds: number;
  outcome: 'succeeded' | 'failed' | 'stage-reached';
  services: ServiceResult[];
  /** Revisions deregistered by --keep-revisions. */
  deregistered?: string[];
}

export function buildRecord(
  kind: DeploymentRecord['kind'],
  services: ServiceResult[],
  startedAt: Date,
  finishedAt: Date,
  outcome: DeploymentRecord['outcome'],
): DeploymentRecord {
  return {
    version: RECORD_VERSION,
    kind,
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    durationSeconds: Math.round((finishedAt.getTime() - startedAt.getTime()) / 100) / 10,
    outcome,
    services,
  };
}

export async function writeRecord(dir: string, record: DeploymentRecord): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `${record.kind}-record.json`);
  await writeFile(file, `${JSON.stringify(record, null, 2)}\n`);
  return file;
}

/** Reads a record written by writeRecord; errors name the file and what is wrong. */
export async function readRecord(file: string): Promise<DeploymentRecord> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new UserError('record file not found', file, 'pass the record-file output of a deploy');
  }
  const data = parseStrictJson(text, { file, fix: 'pass the record-file output of a deploy' });
  const r = data as Partial<DeploymentRecord>;
  if (r.version !== RECORD_VERSION || !Array.isArray(r.services)) {
    throw new UserError(
      `not a cendence deployment record (version ${String(r.version)})`,
      file,
      'pass the record-file output of a deploy',
    );
  }
  return r as DeploymentRecord;
}

/** Revision ARNs of a family to deregister: all but the newest `keep`, never one in `inUse`. Pure. */
export function revisionsToDrop(arnsNewestFirst: string[], keep: number, inUse: Set<string>): string[] {
  return arnsNewestFirst.slice(keep).filter((a) => !inUse.has(a));
}

/** Deregisters old ACTIVE revisions of a family, keeping the newest `keep` and every revision in use. */
export async function pruneRevisions(
  ecs: ECSClient,
  family: string,
  keep: number,
  inUse: Set<string>,
): Promise<string[]> {
  const arns: string[] = [];
  let nextToken: string | undefined;
  do {
    const out = await ecs.send(
      new ListTaskDefinitionsCommand({ familyPrefix: family, status: 'ACTIVE', sort: 'DESC', nextToken }),
    );
    // familyPrefix is a prefix: keep only this exact family.
    arns.push(
      ...(out.taskDefinitionArns ?? []).filter((a) => a.split('/').pop()?.replace(/:\d+$/, '') === family),
    );
    nextToken = out.nextToken;
  } while (nextToken);
  const drop = revisionsToDrop(arns, keep, inUse);
  for (const arn of drop) await ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: arn }));
  return drop;
}
