// Tiny request-body checks that answer 400 with the field at fault (no schema library in the payload).
import { HttpError } from './http.js';

export function objectBody(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new HttpError(400, 'body must be a JSON object');
  }
  return body as Record<string, unknown>;
}

export function stringField(body: Record<string, unknown>, field: string, pattern?: RegExp): string {
  const value = body[field];
  if (typeof value !== 'string' || value.length === 0)
    throw new HttpError(400, `'${field}' must be a non-empty string`);
  if (pattern && !pattern.test(value)) throw new HttpError(400, `'${field}' must match ${pattern}`);
  return value;
}

export function numberField(body: Record<string, unknown>, field: string): number {
  const value = body[field];
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw new HttpError(400, `'${field}' must be a number`);
  return value;
}
