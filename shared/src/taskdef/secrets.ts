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

/** True for names like DB_PASSWORD, JWT_SECRET, GITHUB_TOKEN, API_KEY, STRIPE_KEY, APIKEY. */
export function looksSecretName(name: string): boolean {
  const upper = name.toUpperCase();
  if (SECRET_WORDS.some((w) => upper.includes(w))) return true;
  // KEY as a whole word only: KEYCLOAK_URL or CACHE_KEYSPACE are not secrets, API_KEY and APIKEY are.
  const words = upper.split(/[^A-Z0-9]+/);
  return words.some((w) => w === 'KEY' || w === 'KEYS' || w === 'APIKEY' || w === 'PRIVATEKEY');
}
