import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DatabaseSettingsError, databaseConfig, describeDatabase } from '../database.js';

const rds = () => ['RDS-CA-1', 'RDS-CA-2'];
const files: Record<string, string> = { '/certs/local-ca.pem': 'LOCAL-CA' };
const read = (file: string) => {
  if (!(file in files)) throw new Error('ENOENT');
  return files[file];
};
const config = (env: NodeJS.ProcessEnv) => databaseConfig(env, rds, read);

test('no database settings: memory', () => {
  assert.equal(config({}), undefined);
  assert.deepEqual(describeDatabase(undefined, {}), { store: 'memory' });
});

test('TLS is verified against the RDS bundle by default, or the CA PGSSLROOTCERT names', () => {
  const rdsHost = config({ PGHOST: 'db.abc.us-east-1.rds.amazonaws.com' });
  assert.deepEqual(rdsHost, { ssl: { ca: ['RDS-CA-1', 'RDS-CA-2'], rejectUnauthorized: true } });
  assert.deepEqual(config({ PGHOST: 'x', PGSSLMODE: 'verify-full' }), rdsHost);
  assert.deepEqual(config({ DATABASE_URL: 'postgres://u@db/x', PGSSLROOTCERT: '/certs/local-ca.pem' }), {
    connectionString: 'postgres://u@db/x',
    ssl: { ca: ['LOCAL-CA'], rejectUnauthorized: true },
  });
  assert.equal(describeDatabase(rdsHost, {}).tls, 'verify-full');
});

test('PGSSLMODE=disable is the one way to turn TLS off', () => {
  const local = config({ DATABASE_URL: 'postgres://u@127.0.0.1/x', PGSSLMODE: 'disable' });
  assert.deepEqual(local, { connectionString: 'postgres://u@127.0.0.1/x', ssl: false });
  assert.equal(describeDatabase(local, {}).tls, 'disabled');
});

test('modes that encrypt without verifying, TLS in the URL and a missing CA file are refused', () => {
  for (const mode of ['require', 'no-verify', 'prefer', 'allow', 'verify-ca']) {
    assert.throws(
      () => config({ PGHOST: 'db', PGSSLMODE: mode }),
      (e: Error) => {
        assert.ok(e instanceof DatabaseSettingsError);
        return e.message.includes(`PGSSLMODE=${mode} does not verify`) && e.message.includes('verify-full');
      },
    );
  }
  assert.throws(() => config({ DATABASE_URL: 'postgres://db/x?sslmode=require' }), /set PGSSLMODE instead/);
  assert.throws(
    () => config({ PGHOST: 'db', PGSSLROOTCERT: '/certs/none.pem' }),
    /PGSSLROOTCERT.*unreadable/,
  );
  assert.throws(() => databaseConfig({ PGHOST: 'db' }, () => []), /no CA certificate/);
});
