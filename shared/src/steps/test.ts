// test: each built service's test command, run inside its image; JUnit reports copied out when the
// manifest names one. Images the build step re-used (content already pushed) were tested when built.
import { StepFailed, UserError } from '../errors.js';
import { DockerEngine } from '../image/docker.js';
import { tail } from '../image/exec.js';
import { type Builds, readBuilds } from '../image/handoff.js';
import { type InImageTestResult, testInImage } from '../image/test-in-image.js';
import { loadManifests } from '../manifest/load.js';
import type { ServiceManifest } from '../manifest/schema.js';
import { outputDir, rootDir } from '../paths.js';
import { markdownTable } from '../report/markdown-table.js';
import { selectServices } from './list-input.js';
import { BUILDS_INPUTS, type InputSpec, Inputs, ROOT_INPUT, type Step } from './step.js';

const inputs: InputSpec[] = [
  ROOT_INPUT,
  ...BUILDS_INPUTS,
  {
    name: 'junit-dir',
    description: 'Folder JUnit reports are copied into (<service>.xml).',
    default: 'test-results',
  },
  { name: 'network', description: "Network of the test containers (e.g. host). Default: docker's default." },
];

export interface TestSettings {
  manifests: ServiceManifest[];
  builds: Builds;
  junitDir: string;
  network?: string;
}

export interface TestOutcome {
  service: string;
  outcome: 'passed' | 'failed' | 'no test command' | 'not built (content already pushed)';
  exitCode?: number;
  junit?: string;
  seconds?: number;
}

export interface TestResult {
  passed: boolean;
  results: TestOutcome[];
}

export const testStep: Step<TestSettings, TestResult> = {
  name: 'test',
  summary: "run each service's test command inside its built image (JUnit report when configured)",
  inputs,
  outputs: [
    { name: 'passed', description: 'true when every test command passed.' },
    { name: 'junit', description: 'JSON {"<service>": "<path of the copied JUnit report>"}.' },
  ],
  settings(read, ctx) {
    const i = new Inputs(read, inputs);
    const root = rootDir(ctx.cwd, i.withDefault('root'));
    const builds = readBuilds(i.required('builds'), ctx.cwd);
    const manifests = selectServices(
      loadManifests(root),
      i.string('services') ?? JSON.stringify(Object.keys(builds)),
    );
    for (const m of manifests) {
      if (!builds[m.name])
        throw new UserError(
          `service '${m.name}' is not in builds`,
          'builds',
          'build it first, or leave it out of services',
        );
    }
    return {
      manifests,
      builds,
      junitDir: outputDir(ctx.cwd, i.withDefault('junit-dir'), 'junit-dir'),
      network: i.string('network'),
    };
  },
  async run(s, ctx) {
    const results: TestOutcome[] = [];
    const failed: InImageTestResult[] = [];
    const toRun = s.manifests.filter((m) => m.test && s.builds[m.name].status === 'built');
    if (toRun.length > 0) await new DockerEngine(ctx.env).check();
    for (const m of s.manifests) {
      const b = s.builds[m.name];
      if (!m.test) {
        results.push({ service: m.name, outcome: 'no test command' });
        continue;
      }
      if (b.status !== 'built') {
        ctx.runner.info(
          `${m.name}: content ${b.contentTag} was tested when it was built; not built here, skipped`,
        );
        results.push({ service: m.name, outcome: 'not built (content already pushed)' });
        continue;
      }
      const test = m.test;
      const r = await ctx.runner.group(`test ${m.name}: ${test.command.join(' ')}`, () =>
        testInImage({
          service: m.name,
          image: `${b.image}:${b.contentTag}`,
          test,
          junitDir: s.junitDir,
          network: s.network,
          env: ctx.env,
          onLine: (l) => ctx.runner.debug(l),
        }),
      );
      if (r.junitProblem) ctx.runner.warning(`${m.name}: ${r.junitProblem}`);
      if (r.passed) ctx.runner.info(`${m.name}: passed in ${r.seconds.toFixed(1)} s`);
      else {
        failed.push(r);
        ctx.runner.error(`${m.name}: tests failed (exit ${r.exitCode})\n${tail(r.output, 40)}`);
      }
      results.push({
        service: m.name,
        outcome: r.passed ? 'passed' : 'failed',
        exitCode: r.exitCode,
        junit: r.junit,
        seconds: r.seconds,
      });
    }
    await ctx.runner.summary(
      [
        `### cendence test: ${failed.length === 0 ? 'passed' : `${failed.length} failed`}`,
        '',
        markdownTable(
          ['service', 'outcome', 'JUnit', 'seconds'],
          results.map((r) => [r.service, r.outcome, r.junit ?? '', r.seconds?.toFixed(1) ?? '']),
        ),
      ].join('\n'),
    );
    if (failed.length > 0) {
      throw new StepFailed(
        `tests failed in ${failed.map((f) => `${f.service} (exit ${f.exitCode})`).join(', ')}; their output is shown above`,
        { passed: false, results },
      );
    }
    return { passed: true, results };
  },
  outputValues(r) {
    const junit = Object.fromEntries(
      r.results.filter((x) => x.junit).map((x) => [x.service, x.junit as string]),
    );
    return { passed: String(r.passed), junit: JSON.stringify(junit) };
  },
};
