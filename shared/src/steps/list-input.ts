// The one list syntax every list input takes, at every door: comma-separated, one per line (CR, LF or
// CRLF), or a JSON list (what the plan step and other steps print as outputs). Service names too.
import { UserError } from '../errors.js';
import type { ServiceManifest } from '../manifest/schema.js';

/** "a, b", "a\nb" or '["a","b"]' → ['a', 'b']. Empty or absent → []. */
export function parseList(raw: string | undefined, input: string): string[] {
  const text = raw?.trim() ?? '';
  if (!text) return [];
  if (text.startsWith('[')) {
    let list: unknown;
    try {
      list = JSON.parse(text);
    } catch (err) {
      if (!(err instanceof SyntaxError)) throw err;
    }
    if (!Array.isArray(list) || !list.every((x) => typeof x === 'string'))
      throw new UserError(
        `input "${input}" starts with [ but is not a JSON list of strings`,
        input,
        'write ["a","b"], or a, b, or one item per line',
      );
    return list.map((x) => x.trim()).filter(Boolean);
  }
  return text
    .split(/[,\r\n]/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * The `services` input against the manifests: absent or empty means every service; the plan's empty
 * list ("[]": nothing changed) means none, never all. Unknown names are refused, naming the known ones.
 */
export function selectServices(
  manifests: ServiceManifest[],
  raw: string | undefined,
  input = 'services',
): ServiceManifest[] {
  const names = parseList(raw, input);
  if (names.length === 0) return raw?.trim().startsWith('[') ? [] : manifests;
  const known = manifests.map((m) => m.name);
  const unknown = names.filter((n) => !known.includes(n));
  if (unknown.length > 0) {
    throw new UserError(
      `unknown service${unknown.length > 1 ? 's' : ''} ${unknown.map((u) => `'${u}'`).join(', ')} (known: ${known.join(', ')})`,
      input,
      'use names of folders under services/ that hold a service.yml',
    );
  }
  return manifests.filter((m) => names.includes(m.name));
}
