// awsQuery (STS, ELBv2, IAM): form-encoded "Action=…&Version=…" in, XML out. Lists arrive as
// "Name.member.N" and nested structures as dotted paths; results go back with <member> list items
// and ISO-8601 timestamps.
import type { ServiceName } from '../types.js';

export const QUERY_VERSIONS: Record<string, { service: ServiceName; xmlns: string }> = {
  '2011-06-15': { service: 'sts', xmlns: 'https://sts.amazonaws.com/doc/2011-06-15/' },
  '2010-05-08': { service: 'iam', xmlns: 'https://iam.amazonaws.com/doc/2010-05-08/' },
  '2015-12-01': { service: 'elbv2', xmlns: 'http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/' },
};

type Node = Record<string, unknown> | unknown[];

/**
 * "A.member.1.B=x&A.member.2.B=y" → { A: [{B:'x'},{B:'y'}] }. Map shapes ("entry.N.key/value") stay
 * as arrays of {key, value}; handlers that accept maps convert them.
 */
export function decodeQuery(body: string): {
  action: string;
  version: string;
  input: Record<string, unknown>;
} {
  const params = new URLSearchParams(body);
  const input: Record<string, unknown> = {};
  let action = '';
  let version = '';
  for (const [key, value] of params) {
    if (key === 'Action') action = value;
    else if (key === 'Version') version = value;
    else setPath(input, key.split('.'), value);
  }
  return { action, version, input: compact(input) as Record<string, unknown> };
}

function setPath(root: Record<string, unknown>, parts: string[], value: string): void {
  let node: Node = root;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    const last = i === parts.length - 1;
    if ((part === 'member' || part === 'entry') && i + 1 < parts.length && /^\d+$/.test(parts[i + 1])) {
      continue; // the list marker: the index follows
    }
    const isIndex = /^\d+$/.test(part) && i > 0 && (parts[i - 1] === 'member' || parts[i - 1] === 'entry');
    const key: string | number = isIndex ? Number(part) - 1 : part;
    if (last) {
      (node as Record<string | number, unknown>)[key] = value;
      return;
    }
    const nextIsList = parts[i + 1] === 'member' || parts[i + 1] === 'entry';
    const container = node as Record<string | number, unknown>;
    if (container[key] === undefined || typeof container[key] !== 'object') {
      container[key] = nextIsList ? [] : {};
    }
    node = container[key] as Node;
  }
}

/** Drops holes left by sparse indexes. */
function compact(v: unknown): unknown {
  if (Array.isArray(v)) return v.filter((x) => x !== undefined).map(compact);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = compact(x);
    return out;
  }
  return v;
}

const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function toXml(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((m) => `<member>${toXml(m)}</member>`).join('');
  if (typeof value === 'object') {
    let out = '';
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (v === undefined || v === null) continue;
      out += `<${k}>${toXml(v)}</${k}>`;
    }
    return out;
  }
  return esc(String(value));
}

export function queryResponse(operation: string, xmlns: string, result: unknown, requestId: string): string {
  return (
    `<${operation}Response xmlns="${xmlns}"><${operation}Result>${toXml(result)}</${operation}Result>` +
    `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${operation}Response>`
  );
}

export function queryError(code: string, message: string, requestId: string, status: number): string {
  const type = status >= 500 ? 'Receiver' : 'Sender';
  return (
    `<ErrorResponse><Error><Type>${type}</Type><Code>${esc(code)}</Code><Message>${esc(message)}</Message>` +
    `</Error><RequestId>${requestId}</RequestId></ErrorResponse>`
  );
}
