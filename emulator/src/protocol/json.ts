// awsJson1_1: X-Amz-Target "<prefix>.<Operation>", JSON in and out, timestamps as epoch seconds.
import type { ServiceName } from '../types.js';

export const JSON_TARGETS: Record<string, ServiceName> = {
  AmazonEC2ContainerServiceV20141113: 'ecs',
  AmazonEC2ContainerRegistry_V20150921: 'ecr',
  CodeDeploy_20141006: 'codedeploy',
  Logs_20140328: 'logs',
};

export function parseTarget(target: string): { prefix: string; service?: ServiceName; operation: string } {
  const dot = target.lastIndexOf('.');
  const prefix = dot >= 0 ? target.slice(0, dot) : target;
  const operation = dot >= 0 ? target.slice(dot + 1) : '';
  return { prefix, service: JSON_TARGETS[prefix], operation };
}

/** Serialises a handler result: Date → epoch seconds (fractional), undefined fields dropped. */
export function encodeJson(value: unknown): string {
  return JSON.stringify(value ?? {}, function (this: Record<string, unknown>, key, v) {
    const raw = this[key];
    return raw instanceof Date ? raw.getTime() / 1000 : v;
  });
}

export function jsonError(code: string, message: string): string {
  return JSON.stringify({ __type: code, message });
}
