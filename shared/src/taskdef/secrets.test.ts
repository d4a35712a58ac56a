import { describe, expect, it } from '@jest/globals';
import { invalidSecretReference, looksSecretName, secretValueShape } from './secrets.js';

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

  it('spots PGPASS and APP_PWD by name, but not the shell’s PWD or a COMPASS_URL', () => {
    for (const n of ['PGPASS', 'DB_PASS', 'APP_PWD']) expect(looksSecretName(n)).toBe(true);
    for (const n of ['PWD', 'COMPASS_URL', 'PASSENGER_LIMIT']) expect(looksSecretName(n)).toBe(false);
  });

  // Issue 16 item 9: secrets by value, whatever the variable is called.
  it.each([
    ['DATABASE_URL', 'postgres://app:pw@db.internal:5432/app', /password/],
    ['REDIS_URL', 'redis://:s3cret@cache:6379', /password/],
    ['GH', 'ghp_abcdefghijklmnopqrstuvwxyz0123456789', /GitHub/],
    ['PAYMENTS', 'sk_live_4eC39HqLyjWDarjtT1zdp7dc', /Stripe/],
    ['HEADER', 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhcGkifQ.c2lnbmF0dXJl', /JSON Web Token/],
    ['NOTIFY', 'https://hooks.slack.com/services/T0001/B0001/abcdefghijklmnop', /Slack/],
    ['TLS', '-----BEGIN RSA PRIVATE KEY-----\nMIIE', /PEM/],
    ['SESSION_SALT', 'q8Z$w2!xP0vL9#mB4rT7yK1n', /generated key/],
  ])('%s=%s is refused as %s', (name, value, what) => {
    expect(secretValueShape(name, value)).toMatch(what);
  });

  it.each([
    ['DATABASE_URL', 'postgres://db.internal:5432/app'],
    ['PUBLIC_URL', 'https://transcendence.example/'],
    ['SESSION_COOKIE_NAME', 'sessionid'],
    ['BUILD_SHA', '3f2a9c1d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f'],
    ['AUTH_URL', 'http://auth.internal:8000/api/verify'],
    ['LOG_FORMAT', '%(asctime)s %(levelname)s %(message)s'],
  ])('%s=%s is ordinary', (name, value) => {
    expect(secretValueShape(name, value)).toBeUndefined();
  });
});
