// The step deadline beyond deploy and rollback (issue 16, item 1): a step given a timeout ends within it
// plus 10 s with the failure it observed, whatever AWS does: run-task's RunTask that never answers, an
// STS that hangs or keeps refusing the OIDC token (test/step-deadline.test.ts also times them and covers
// push against a registry that never answers).
import { runTaskStep } from '../shared/src/steps/run-task.js';
import { api, type Case, deployApi, inWorld } from './world.js';

const ROLE = 'arn:aws:iam::123456789012:role/cendence-deploy';
const TOKEN = { CENDENCE_ID_TOKEN: 'header.payload.signature' };

export const DEADLINE: Case[] = [
  {
    id: 'F10',
    group: 'fault',
    title: 'run-task: RunTask never answers (timeout 2 s)',
    expected: {
      exitCode: 1,
      message: /run-task did not start within 2 s \(its timeout\): RunTask did not answer/,
    },
    run: () =>
      inWorld([api()], async (w) => {
        w.emu.fault({ service: 'ecs', operation: 'RunTask', latencyMs: 200_000 });
        return {
          step: runTaskStep,
          inputs: { ...w.awsInputs, service: 'api', command: 'migrate', 'timeout-seconds': '2' },
        };
      }),
  },
  {
    id: 'F11',
    group: 'fault',
    title: 'deploy: STS never answers the OIDC exchange (timeout 2 s)',
    expected: { exitCode: 1, message: /the OIDC exchange for .* did not finish within 2 s/ },
    run: () =>
      inWorld([api()], async (w) => {
        w.emu.fault({ service: 'sts', operation: 'AssumeRoleWithWebIdentity', latencyMs: 200_000 });
        return { ...deployApi(w, 'v2', { timeout: '2', 'role-to-assume': ROLE }), env: TOKEN };
      }),
  },
  {
    id: 'F12',
    group: 'fault',
    title: 'deploy: STS keeps answering InvalidIdentityToken; retries stop at the deadline',
    expected: { exitCode: 1, message: /did not finish within 2 s.*STS answered InvalidIdentityToken/ },
    run: () =>
      inWorld([api()], async (w) => {
        w.emu.fault({
          service: 'sts',
          operation: 'AssumeRoleWithWebIdentity',
          error: 'InvalidIdentityToken',
        });
        return { ...deployApi(w, 'v2', { timeout: '2', 'role-to-assume': ROLE }), env: TOKEN };
      }),
  },
];
