// Chooses the runner adapter for the place the CLI runs in.
import { GitLabRunner } from './gitlab.js';
import { TerminalRunner } from './terminal.js';
import type { Runner } from './types.js';

export function pickRunner(env: NodeJS.ProcessEnv, opts: { json?: boolean } = {}): Runner {
  // The CLI in GitLab jobs uses GitLab's markers; under GitHub, steps use the actions (GitHubRunner),
  // and the CLI there stays a terminal program writing plain lines.
  if (env.GITLAB_CI === 'true' && !opts.json) return new GitLabRunner({ env });
  return new TerminalRunner({
    stream: opts.json ? process.stderr : process.stdout,
    debug: env.CENDENCE_DEBUG === 'true' || env.RUNNER_DEBUG === '1',
    summaryFile: env.CENDENCE_SUMMARY,
  });
}
