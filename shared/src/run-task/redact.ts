// Log lines from a task can carry credentials (a migration printing its database URL, a crash dump
// with a token). The runner masks secrets it was told about; this catches the common shapes it was
// not told about, before a line is printed, kept for the log-excerpt output or written to a diagnosis.

const SECRET_NAME =
  '[\\w-]*(?:password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key)[\\w-]*';

const RULES: [RegExp, string][] = [
  // scheme://user:password@host, and scheme://:password@host (redis)
  [/(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:)[^\s@/]+@/gi, '$1***@'],
  // password=…, "token": "…", api_key: …
  [new RegExp(`(\\b${SECRET_NAME}"?\\s*[:=]\\s*"?)[^\\s",}]+`, 'gi'), '$1***'],
  // --password X, --db-token X (a flag, then its value)
  [new RegExp(`(--${SECRET_NAME}\\s+)[^\\s-][^\\s]*`, 'gi'), '$1***'],
  // aws_secret_access_key X, aws_session_token X (credentials files, `aws configure set`)
  [/(\baws_(?:secret_access_key|session_token)\s+)\S+/gi, '$1***'],
  // Authorization: Bearer …, Authorization: Basic …
  [/(\b(?:bearer|basic)\s+)[A-Za-z0-9._~+/=-]{8,}/gi, '$1***'],
  // Cookie: a=b; c=d and cookie=…: the whole value
  [/(\b(?:set-)?cookie"?\s*[:=]\s*).+/gi, '$1***'],
  // JSON Web Tokens (header.payload.signature, header and payload base64url JSON)
  [/\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, '***'],
  // Known token prefixes: GitHub, GitLab, Stripe, Slack (tokens and webhook paths), npm
  [/\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|glpat-[A-Za-z0-9_-]{20,})\b/g, '***'],
  [/\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{10,}\b/g, '***'],
  [/\bxox[abposr]-[A-Za-z0-9-]{10,}/g, '***'],
  [/(hooks\.slack\.com\/services\/)[A-Za-z0-9/]+/g, '$1***'],
  [/\bnpm_[A-Za-z0-9]{36}\b/g, '***'],
  // AWS access key ids
  [/\b(AKIA|ASIA)[A-Z0-9]{16}\b/g, '***'],
  // A PEM private key on one line
  [/(-----BEGIN [A-Z ]*PRIVATE KEY-----).*?(-----END [A-Z ]*PRIVATE KEY-----|$)/g, '$1 *** $2'],
];

export function redactLine(line: string): string {
  let out = line;
  for (const [re, to] of RULES) out = out.replace(re, to);
  return out;
}

const PEM_BEGIN = /-----BEGIN [A-Z ]*PRIVATE KEY-----/;
const PEM_END = /-----END [A-Z ]*PRIVATE KEY-----/;

/** Redacts a stream of lines: each line's shapes, and the body of a PEM private key spread over lines. */
export class LineRedactor {
  private inKey = false;

  line(raw: string): string {
    if (this.inKey) {
      if (PEM_END.test(raw)) this.inKey = false;
      return PEM_END.test(raw) ? raw.replace(/^.*?(-----END)/, '*** $1') : '***';
    }
    if (PEM_BEGIN.test(raw) && !PEM_END.test(raw)) this.inKey = true;
    return redactLine(raw);
  }
}

/** Redacts a block of lines (a log tail) with PEM keys spanning lines. */
export function redactLines(lines: string[]): string[] {
  const r = new LineRedactor();
  return lines.map((l) => r.line(l));
}
