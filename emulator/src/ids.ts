// Identifiers in AWS's shapes: ARNs, task ids, deployment ids, request ids.
import { randomBytes, randomUUID } from 'node:crypto';

export const hex = (bytes: number): string => randomBytes(bytes).toString('hex');
export const uuid = (): string => randomUUID();

/** 19 decimal digits, like ECS deployment ids (ecs-svc/1234567890123456789) and revision ids. */
export function digits(n = 19): string {
  let s = String(1 + (randomBytes(1)[0] % 9));
  const bytes = randomBytes(n);
  for (let i = 1; i < n; i++) s += String(bytes[i] % 10);
  return s;
}

export function arn(service: string, region: string, accountId: string, resource: string): string {
  return `arn:aws:${service}:${region}:${accountId}:${resource}`;
}

/** The last path segment of an ARN or a bare name: "arn:…:service/c/web" → "web". */
export function lastSegment(nameOrArn: string): string {
  const i = nameOrArn.lastIndexOf('/');
  return i >= 0 ? nameOrArn.slice(i + 1) : nameOrArn;
}
