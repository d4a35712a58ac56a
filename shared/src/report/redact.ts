// Log lines from a one-off task can carry credentials (a migration printing its database URL). The
// runner masks secrets it was told about; this catches the common shapes it was not told about, before
// a line is printed or kept for the log-excerpt output.

const RULES: [RegExp, string][] = [
  // scheme://user:password@host
  [/(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:)[^\s@/]+@/gi, '$1***@'],
  // password=…, "token": "…", api_key: …
  [
    /(\b[\w-]*(?:password|passwd|secret|token|api[_-]?key|access[_-]?key)[\w-]*"?\s*[:=]\s*"?)[^\s",}]+/gi,
    '$1***',
  ],
  // Authorization: Bearer …
  [/(\bbearer\s+)[A-Za-z0-9._~+/=-]+/gi, '$1***'],
  // AWS access key ids
  [/\b(AKIA|ASIA)[A-Z0-9]{16}\b/g, '***'],
];

export function redactLine(line: string): string {
  let out = line;
  for (const [re, to] of RULES) out = out.replace(re, to);
  return out;
}
