// Secrets belong in `secrets[].valueFrom` (an SSM parameter or a Secrets Manager secret the execution
// role reads at task start), never as literal values in `environment` where anyone who can describe the
// task definition reads them. This module decides what counts as a reference and what looks secret.

const SSM_ARN = /^arn:aws[a-z-]*:ssm:[a-z0-9-]+:\d{12}:parameter\/[A-Za-z0-9_.\-/]+$/;
// A `:json-key:version-stage:version-id` suffix is allowed after the secret name.
const SECRETS_MANAGER_ARN =
  /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@!-]+(:[^:\s]*){0,3}$/;
// Bare parameter names resolve in the task's own region.
const SSM_NAME = /^\/?[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/;

/** Why a secrets[].valueFrom is not a reference, or undefined when it is one. */
export function invalidSecretReference(valueFrom: unknown): string | undefined {
  if (typeof valueFrom !== 'string' || valueFrom === '') return 'valueFrom is empty';
  if (SSM_ARN.test(valueFrom) || SECRETS_MANAGER_ARN.test(valueFrom)) return undefined;
  if (valueFrom.startsWith('arn:')) {
    return `"${valueFrom}" is not an SSM parameter or Secrets Manager secret ARN`;
  }
  if (SSM_NAME.test(valueFrom) && valueFrom.length <= 2048) return undefined;
  return 'valueFrom is neither an SSM parameter name/ARN nor a Secrets Manager ARN (it looks like a literal value)';
}

const SECRET_WORDS = ['PASSWORD', 'PASSWD', 'SECRET', 'TOKEN', 'CREDENTIAL', 'CREDENTIALS', 'PRIVATE'];

/** True for names like DB_PASSWORD, JWT_SECRET, GITHUB_TOKEN, API_KEY, STRIPE_KEY, APIKEY, PGPASS, APP_PWD. */
export function looksSecretName(name: string): boolean {
  const upper = name.toUpperCase();
  if (SECRET_WORDS.some((w) => upper.includes(w))) return true;
  // KEY as a whole word only: KEYCLOAK_URL or CACHE_KEYSPACE are not secrets, API_KEY and APIKEY are.
  const words = upper.split(/[^A-Z0-9]+/);
  if (words.some((w) => w === 'KEY' || w === 'KEYS' || w === 'APIKEY' || w === 'PRIVATEKEY')) return true;
  // PASS and PWD as words (PGPASS, DB_PASS, APP_PWD); PWD alone is the shell's working directory.
  if (words.some((w) => /^(?:PG|DB|MYSQL|REDIS|SMTP|MAIL|LDAP|FTP|ADMIN|ROOT|USER)?PASS$/.test(w)))
    return true;
  return words.length > 1 && words.includes('PWD');
}

/** Names that hold a secret only sometimes (AUTH_HEADER, SESSION_SALT, SENTRY_DSN): judged by the value. */
const MAYBE_SECRET =
  /(?:^|_)(AUTH|SALT|SIGNING|SIGNATURE|DSN|COOKIE|SESSION|CREDS|HMAC|API|WEBHOOK|CERT)(?:_|$)/i;

/** Shannon entropy in bits per character. */
function entropy(s: string): number {
  const counts = new Map<string, number>();
  for (const c of s) counts.set(c, (counts.get(c) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) bits -= (n / s.length) * Math.log2(n / s.length);
  return bits;
}

/** A long, random-looking value: the shape of generated keys and tokens, not of words or paths. */
function looksRandom(value: string): boolean {
  // URLs and paths are addresses, not keys (a password inside a URL is caught by its own shape).
  if (value.length < 20 || /\s/.test(value) || /^(?:[a-z][a-z0-9+.-]*:\/\/|\/)/i.test(value)) return false;
  const classes = [/[a-z]/, /[A-Z]/, /\d/, /[^A-Za-z0-9]/].filter((re) => re.test(value)).length;
  return classes >= 3 && entropy(value) >= 3.5;
}

const VALUE_SHAPES: [RegExp, string][] = [
  [/\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:[^\s@/]+@/i, 'a URL with a password in it'],
  [/\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})/, 'a GitHub token'],
  [/\bglpat-[A-Za-z0-9_-]{20,}/, 'a GitLab token'],
  [/\b(?:sk|rk)_live_[A-Za-z0-9]{10,}/, 'a Stripe live key'],
  [/\bxox[abposr]-[A-Za-z0-9-]{10,}/, 'a Slack token'],
  [/hooks\.slack\.com\/services\/[A-Za-z0-9]+\/[A-Za-z0-9]+\/[A-Za-z0-9]+/, 'a Slack webhook URL'],
  [/\bnpm_[A-Za-z0-9]{36}\b/, 'an npm token'],
  [/\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/, 'an AWS access key id'],
  [/\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/, 'a JSON Web Token'],
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----/, 'a PEM private key'],
];

/** What secret a literal value looks like, or undefined: checked whatever the variable is called. */
export function secretValueShape(name: string, value: string): string | undefined {
  for (const [re, what] of VALUE_SHAPES) if (re.test(value)) return what;
  if (MAYBE_SECRET.test(name) && looksRandom(value))
    return 'a generated key (a long random value under a secret-like name)';
  return undefined;
}
