// The reliability catalogue: each fault injected into the emulator and each bad input, run through the
// deploy/render/rollback/run-task steps the way the CLI runs them (debug logging on). `npm run proof`
// turns the observations into a report; test/proof.test.ts asserts every case ends as expected.
import { foreignDeploymentAfter } from '../harness/deploy-world.js';
import { fargateTemplate } from '../harness/render-world.js';
import { makeDeployStep } from '../shared/src/steps/deploy.js';
import { renderStep } from '../shared/src/steps/render.js';
import { makeRollbackStep } from '../shared/src/steps/rollback.js';
import { runTaskStep } from '../shared/src/steps/run-task.js';
import { DEADLINE } from './deadline.js';
import { HARDENING } from './hardening.js';
import { api, type Case, deployApi, inWorld, refuses, survives, withDeploy, withTaskdef } from './world.js';

export { type Case, type Observation, PLANTED_SECRET } from './world.js';

export const CATALOGUE: Case[] = [
  survives('F1', 'throttling on UpdateService (3 answers in a row)', {
    service: 'ecs',
    operation: 'UpdateService',
    error: 'ThrottlingException',
    times: 3,
  }),
  survives('F2', '5xx on DescribeServices while following', {
    service: 'ecs',
    operation: 'DescribeServices',
    error: 'InternalFailure',
    times: 2,
  }),
  survives('F3', 'dropped connections on RegisterTaskDefinition', {
    service: 'ecs',
    operation: 'RegisterTaskDefinition',
    drop: true,
    times: 2,
  }),
  survives('F4', 'slow answers (1.5 s) on DescribeServices', {
    service: 'ecs',
    operation: 'DescribeServices',
    latencyMs: 1500,
    times: 2,
  }),
  {
    id: 'F5',
    group: 'fault',
    title: 'tasks crash on start (circuit breaker rolls back)',
    expected: { exitCode: 1, outcome: 'rolled-back', message: /api rolled-back/ },
    run: () =>
      inWorld([api()], async (w) => {
        w.emu.behavior({
          image: '*api:crash',
          behavior: 'crash',
          exitCode: 3,
          logLines: ['panic: no config'],
        });
        return deployApi(w, 'crash');
      }),
  },
  {
    id: 'F6',
    group: 'fault',
    title: 'tasks fail their health checks',
    expected: { exitCode: 1, outcome: 'rolled-back', message: /api rolled-back/ },
    run: () =>
      inWorld([api()], async (w) => {
        w.emu.behavior({ image: '*api:sick', behavior: 'unhealthy' });
        return deployApi(w, 'sick');
      }),
  },
  {
    id: 'F7',
    group: 'fault',
    title: 'deployment stalls past the timeout',
    expected: { exitCode: 1, outcome: 'timeout', message: /api timeout/ },
    run: () =>
      inWorld([api()], async (w) => {
        w.emu.behavior({ image: '*api:stall', behavior: 'stall' });
        return deployApi(w, 'stall', { timeout: '120' });
      }),
  },
  {
    id: 'F8',
    group: 'fault',
    title: 'the job is cancelled mid-deployment (on-cancel rollback)',
    expected: { exitCode: 1, outcome: 'cancelled', message: /api cancelled/ },
    run: () =>
      inWorld([api()], async (w) => {
        w.emu.behavior({ image: '*api:slow', behavior: 'slow', startSeconds: 120 });
        const abort = new AbortController();
        const at = w.emu.clock.now() + 30_000;
        const timer = setInterval(() => {
          if (w.emu.clock.now() >= at) {
            clearInterval(timer);
            abort.abort(new Error('cancelled by SIGTERM'));
          }
        }, 1);
        return { ...deployApi(w, 'slow'), signal: abort.signal };
      }),
  },
  {
    id: 'F9',
    group: 'fault',
    title: 'a foreign deployment replaces ours mid-wait',
    expected: { exitCode: 1, outcome: 'replaced', message: /api replaced/ },
    run: () =>
      inWorld([api()], async (w) => {
        w.emu.behavior({ image: '*api:slow', behavior: 'slow', startSeconds: 60 });
        foreignDeploymentAfter(w, 15_000);
        return deployApi(w, 'slow');
      }),
  },

  refuses('B1', 'a service name that has no manifest', /ghost/, undefined, (w) => ({
    ...deployApi(w, 'v2', { services: 'ghost' }),
  })),
  refuses('B2', 'images input that is not JSON', /images/, undefined, (w) => ({
    step: makeDeployStep(w.time),
    inputs: { ...w.awsInputs, images: '{api: nope' },
  })),
  refuses(
    'B3',
    'an invalid Fargate cpu/memory pair',
    /memory/,
    withTaskdef(fargateTemplate('api', { cpu: '256', memory: '4096' })),
    (w) => deployApi(w, 'v2'),
  ),
  refuses(
    'B4',
    'a container named in the manifest that the template lacks',
    /sidecar/,
    withDeploy({ container: 'sidecar' }),
    (w) => deployApi(w, 'v2'),
  ),
  refuses(
    'B5',
    'a task definition template that is not JSON',
    /taskdef\.json/,
    withTaskdef('{ "family": '),
    (w) => deployApi(w, 'v2'),
  ),
  refuses(
    'B6',
    'duplicate container names',
    /api/,
    withTaskdef(
      fargateTemplate('api', {
        containerDefinitions: [
          { name: 'api', image: '<IMAGE>', essential: true },
          { name: 'api', image: 'busybox', essential: false },
        ],
      }),
    ),
    (w) => deployApi(w, 'v2'),
  ),
  refuses(
    'B7',
    'no essential container',
    /essential/,
    withTaskdef(
      fargateTemplate('api', {
        containerDefinitions: [{ name: 'api', image: '<IMAGE>', essential: false }],
      }),
    ),
    (w) => deployApi(w, 'v2'),
  ),
  refuses(
    'B8',
    'a secret-looking value in plaintext environment',
    /DB_PASSWORD/,
    withDeploy({ environment: { DB_PASSWORD: 'hunter2hunter2' } }),
    (w) => deployApi(w, 'v2'),
  ),
  refuses('B9', 'an unknown strategy in the manifest', /strategy/, withDeploy({ strategy: 'yolo' }), (w) =>
    deployApi(w, 'v2'),
  ),
  refuses('B10', 'an unknown on-cancel policy', /on-cancel/, undefined, (w) =>
    deployApi(w, 'v2', { 'on-cancel': 'panic' }),
  ),
  refuses('B11', 'a negative timeout', /timeout/, undefined, (w) => deployApi(w, 'v2', { timeout: '-5' })),
  refuses('B12', 'a region that is not a region', /region/, undefined, (w) =>
    deployApi(w, 'v2', { region: 'Mars' }),
  ),
  refuses('B13', 'a role ARN that is not a role ARN', /role-to-assume/, undefined, (w) =>
    deployApi(w, 'v2', { 'role-to-assume': 'deployer' }),
  ),
  refuses(
    'B14',
    'a service that does not exist in ECS',
    /ghost|MISSING|not found|does not exist/i,
    withDeploy({ service: 'ghost' }),
    (w) => deployApi(w, 'v2', { verify: 'true' }),
  ),
  refuses('B15', 'a cluster that does not exist', /cluster/i, withDeploy({ cluster: 'nowhere' }), (w) =>
    deployApi(w, 'v2', { verify: 'true' }),
  ),
  refuses('B16', '--stop-at on a rolling service', /stop-at/, undefined, (w) =>
    deployApi(w, 'v2', { 'stop-at': 'test-traffic' }),
  ),
  refuses('B17', 'keep-revisions of zero', /keep-revisions/, undefined, (w) =>
    deployApi(w, 'v2', { 'keep-revisions': '0' }),
  ),
  refuses('B18', 'rollback from a record file that does not exist', /record/, undefined, (w) => ({
    step: makeRollbackStep(w.time),
    inputs: { ...w.awsInputs, services: 'api', 'record-file': '/nonexistent/deploy-record.json' },
  })),
  refuses('B19', 'render with an image that is not an image reference', /image/i, undefined, (w) => ({
    step: renderStep,
    inputs: {
      root: w.root,
      region: w.emu.region,
      images: JSON.stringify({ api: 'UPPER CASE/not an image' }),
    },
  })),
  refuses('B20', 'run-task for a service with no manifest', /nosuch/, undefined, (w) => ({
    step: runTaskStep,
    inputs: { ...w.awsInputs, service: 'nosuch', command: 'migrate' },
  })),
  ...HARDENING,
  ...DEADLINE,
];
