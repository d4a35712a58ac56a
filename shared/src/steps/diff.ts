// diff: what a deploy would change — the rendered task definition against the live one, and the
// manifest's service settings against the live service. Semantic (normalised), path per line, read-only.
import { type AwsSettings, awsSettings, connect } from '../aws/connect.js';
import type { ServiceManifest } from '../manifest/schema.js';
import { fenced } from '../runner/untrusted.js';
import { formatChanges } from '../taskdef/diff.js';
import { diffAgainstLive, type ServiceDiff } from '../taskdef/live-diff.js';
import { renderServices } from '../taskdef/services.js';
import { readServiceInputs, SERVICE_INPUTS } from './render.js';
import { AWS_INPUTS, type InputSpec, Inputs, type Step } from './step.js';

const inputs: InputSpec[] = [...SERVICE_INPUTS, ...AWS_INPUTS];

export interface DiffSettings {
  root: string;
  manifests: ServiceManifest[];
  images: Record<string, string>;
  region: string;
  aws: AwsSettings;
}

export const diffStep: Step<DiffSettings, ServiceDiff[]> = {
  name: 'diff',
  summary: 'show what a deploy would change against the live task definition and service (read-only)',
  inputs,
  outputs: [
    { name: 'changed', description: 'true when any service would change, else false.' },
    { name: 'changed-services', description: 'JSON list of the services that would change.' },
    { name: 'diff', description: 'The changes, one "<service>: ~ path: before → after" line each.' },
  ],
  settings(read, ctx) {
    const i = new Inputs(read, inputs);
    return { ...readServiceInputs(i, ctx.cwd, ctx.env), aws: awsSettings(i, ctx) };
  },
  async run(s, ctx) {
    const rendered = await renderServices(s.manifests, { ...s, runner: ctx.runner });
    const aws = await connect(s.aws, ctx);
    try {
      const diffs = await diffAgainstLive(
        aws,
        rendered.map((r) => ({ manifest: s.manifests.find((m) => m.name === r.service)!, rendered: r })),
      );
      const md: string[] = ['### cendence diff', ''];
      for (const d of diffs) {
        const lines = formatChanges(d.changes);
        const title = `${d.service} (${d.cluster}/${d.ecsService}): ${lines.length === 0 ? 'no change' : `${lines.length} change${lines.length > 1 ? 's' : ''}`}`;
        await ctx.runner.group(title, async () => {
          if (d.liveTaskDefinition) ctx.runner.info(`live: ${d.liveTaskDefinition}`);
          for (const l of lines) ctx.runner.info(l);
        });
        md.push(`**${title}**`, '', ...(lines.length ? [...fenced(lines, 'diff'), ''] : ['']));
      }
      await ctx.runner.summary(md.join('\n'));
      return diffs;
    } finally {
      aws.destroy();
    }
  },
  outputValues(diffs) {
    const changed = diffs.filter((d) => d.changes.length > 0);
    return {
      changed: String(changed.length > 0),
      'changed-services': JSON.stringify(changed.map((d) => d.service)),
      diff: diffs.flatMap((d) => formatChanges(d.changes).map((l) => `${d.service}: ${l}`)).join('\n'),
    };
  },
};
