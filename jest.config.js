// Tests run as ES modules (@actions/core 3 is ESM-only), so with --experimental-vm-modules; TypeScript
// is stripped by esbuild (test/transform.js).
import { availableParallelism } from 'node:os';

export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  roots: ['<rootDir>/shared', '<rootDir>/emulator', '<rootDir>/test', '<rootDir>/actions'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': '<rootDir>/test/transform.js' },
  testTimeout: 120000,
  // Images several suites run are built once per run and removed at its end (harness/shared-image.ts).
  globalSetup: '<rootDir>/test/global-setup.ts',
  globalTeardown: '<rootDir>/test/global-teardown.ts',
  // Most suites wait on Docker, PostgreSQL, child processes and sockets, not on this process's CPU:
  // jest's default (cores - 1) runs them one at a time on a 2-core machine (CI). At least two workers;
  // CENDENCE_TEST_WORKERS overrides (1 runs in band).
  maxWorkers: Number(process.env.CENDENCE_TEST_WORKERS) || Math.max(2, availableParallelism() - 1),
  // Slowest suites first, also on a clean checkout without jest's cache of durations.
  testSequencer: '<rootDir>/test/sequencer.js',
  // A test that fails mid-way can leave its emulator or child process behind; CI must still end.
  forceExit: true,
};
