// One id per test run, inherited by every jest worker: images shared across suites carry it
// (harness/shared-image.ts), and the global teardown removes them by it.
import { randomBytes } from 'node:crypto';

export default function globalSetup(): void {
  process.env.CENDENCE_TEST_RUN ??= `r${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
}
