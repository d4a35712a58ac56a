import { describe, expect, it } from '@jest/globals';
import { invalidSecretReference, looksSecretName } from './secrets.js';

describe('secret references and secret-looking names', () => {
  it.each([
    'arn:aws:ssm:eu-west-3:123456789012:parameter/api/db-password',
    'arn:aws:secretsmanager:eu-west-3:123456789012:secret:api/db-AbCdEf',
    'arn:aws:secretsmanager:eu-west-3:123456789012:secret:api/db-AbCdEf:password::',
    // RDS-managed master user secrets are named rds!<resource>.
    'arn:aws:secretsmanager:eu-west-3:123456789012:secret:rds!db-0a1b2c3d-AbCdEf:password::',
    '/api/db-password',
    'api.db_password',
  ])('accepts %s as a reference', (ref) => {
    expect(invalidSecretReference(ref)).toBeUndefined();
  });

  it.each(['', 'hunter 2', 'arn:aws:s3:::bucket/key', 'p@ss!word'])('rejects "%s"', (ref) => {
    expect(invalidSecretReference(ref)).toBeDefined();
  });

  it('spots secret names, with KEY only as a whole word', () => {
    for (const n of ['DB_PASSWORD', 'JWT_SECRET', 'GITHUB_TOKEN', 'API_KEY', 'APIKEY', 'stripe-key'])
      expect(looksSecretName(n)).toBe(true);
    for (const n of ['KEYCLOAK_URL', 'CACHE_KEYSPACE', 'PORT', 'LOG_LEVEL'])
      expect(looksSecretName(n)).toBe(false);
  });
});
