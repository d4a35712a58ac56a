// Secret-leak scan: a captured log must not contain any planted secret, nor anything shaped like an
// AWS secret key, a session token or a docker auth blob.
import { PLANTED_SECRET } from './catalogue.js';

const SHAPES: [string, RegExp][] = [
  ['planted secret', new RegExp(PLANTED_SECRET.replace(/[/+]/g, '\\$&'))],
  ['AWS secret access key', /(?<![A-Za-z0-9/+])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+])/],
  ['basic auth header', /Authorization:\s*Basic\s+[A-Za-z0-9+/=]{16,}/i],
  ['ECR token', /QVdTOi[A-Za-z0-9+/=]{20,}/],
];

export function leaks(log: string): string[] {
  return SHAPES.filter(([, re]) => re.test(log)).map(([name]) => name);
}
