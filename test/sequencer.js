// The order suites start in. Jest starts the slowest first from its cache of past durations, so that
// its workers end together; a clean checkout (CI) has no cache, and jest falls back to file size, which
// left a 70 s suite to run alone at the end. Suites without a cached duration take the estimate below:
// seconds each took in one in-band run on a 2-core CI machine (suites of 5 s and more; a stale or missing
// entry only changes the order).
import Sequencer from '@jest/test-sequencer';

const ESTIMATE_S = {
  'test/deploy-ride-out.test.ts': 69,
  'test/data-survives.test.ts': 63,
  'test/services.test.ts': 59,
  'test/gitlab-pipeline.test.ts': 57,
  'test/terraform-release.test.ts': 51,
  'test/actions-e2e.test.ts': 42,
  'emulator/test/runtime-docker.test.ts': 40,
  'test/cancel-signals.test.ts': 36,
  'test/terraform-cli-image.test.ts': 28,
  'test/browser.test.ts': 25,
  'test/gitlab-cli-image.test.ts': 24,
  'test/step-deadline.test.ts': 17,
  'test/proof.test.ts': 17,
  'test/gitlab-templates.test.ts': 16,
  'test/build-cache.test.ts': 13,
  'test/build-arm64.test.ts': 13,
  'test/deploy-bounded.test.ts': 11,
  'test/build-push.test.ts': 10,
  'test/deploy-traffic.test.ts': 10,
  'test/cli.test.ts': 9,
  'test/release.test.ts': 7,
  'emulator/test/awscli.test.ts': 6,
  'emulator/test/throughput.test.ts': 6,
  'test/load.test.ts': 6,
  'emulator/test/cli.test.ts': 6,
  'test/run-task.test.ts': 5,
  'test/workflows.test.ts': 5,
};

export default class SlowestFirst extends Sequencer {
  sort(tests) {
    const sorted = super.sort(tests); // sets test.duration from jest's cache where it has one
    if (sorted.every((t) => t.duration != null)) return sorted;
    const seconds = (t) => {
      if (t.duration != null) return t.duration / 1000;
      const rel = t.path.slice(t.context.config.rootDir.length + 1).replaceAll('\\', '/');
      return ESTIMATE_S[rel] ?? 0;
    };
    // Stable: failed suites (jest puts them first) and equal estimates keep jest's order.
    return sorted
      .map((t, i) => ({ t, i, failed: this.hasFailed(t) }))
      .sort((a, b) => Number(b.failed) - Number(a.failed) || seconds(b.t) - seconds(a.t) || a.i - b.i)
      .map(({ t }) => t);
  }
}
