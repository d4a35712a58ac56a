// render: task definition files from each service's template, image digests, environment and secrets.
// No AWS call: it can run in a pull request without credentials.
import path from 'node:path';
import { resolveRegion } from '../aws/clients.js';
import { selectServices } from '../image/step-inputs.js';
import { loadManifests } from '../manifest/load.js';
import type { ServiceManifest } from '../manifest/schema.js';
import { outputDir, rootDir } from '../paths.js';
import type { RenderedTaskDefinition } from '../taskdef/render.js';
import { deployable, parseImages, renderServices, writeRendered } from '../taskdef/services.js';
import { applyTerraformOutputs } from '../terraform/apply.js';
import { loadTerraformOutputs } from '../terraform/outputs.js';
import { AWS_INPUTS, type InputSpec, Inputs, ROOT_INPUT, type Step } from './step.js';

/** The terraform hand-off, for every step that reads manifests to deploy (one spec, reused). */
export const TERRAFORM_OUTPUTS_INPUT: InputSpec = {
  name: 'terraform-outputs',
  description:
    "A `terraform output -json` file of terraform/: completes each manifest's deploy section (cluster, service, network, blue/green target groups, listener rules and role). What the manifest writes wins.",
};

/** The manifests' deploy sections completed from the terraform-outputs input, when given. */
export function withTerraformOutputs(
  i: Inputs,
  manifests: ServiceManifest[],
  cwd: string,
): ServiceManifest[] {
  const file = i.string(TERRAFORM_OUTPUTS_INPUT.name);
  if (!file) return manifests;
  return applyTerraformOutputs(manifests, loadTerraformOutputs(path.resolve(cwd, file)), file);
}

export const SERVICE_INPUTS: InputSpec[] = [
  ROOT_INPUT,
  {
    name: 'services',
    kind: 'list',
    description:
      "Services to handle (names, or the plan step's JSON list). Default: every service with a deploy section.",
  },
  {
    name: 'images',
    description:
      'Image URIs by service, as the push step prints them: JSON {"<service>": "<uri>@sha256:…"} or a file holding it. Fills each service\'s container and any "<IMAGE>" / "<IMAGE:service>" placeholder.',
  },
  TERRAFORM_OUTPUTS_INPUT,
];

const inputs: InputSpec[] = [
  ...SERVICE_INPUTS,
  {
    name: 'output-dir',
    description: 'Folder the task definition files are written to.',
    default: '.cendence/task-definitions',
  },
  AWS_INPUTS.find((i) => i.name === 'region')!,
];

export interface RenderSettings {
  root: string;
  manifests: ServiceManifest[];
  images: Record<string, string>;
  outputDir: string;
  region: string;
}

export interface RenderResult {
  rendered: RenderedTaskDefinition[];
  files: Record<string, string>;
}

/** Manifests, images and region: what every task-definition step reads first. No AWS call. */
export function readServiceInputs(i: Inputs, cwd: string, env: NodeJS.ProcessEnv) {
  const root = rootDir(cwd, i.string('root'));
  const raw = i.string('services');
  const selected = deployable(
    selectServices(loadManifests(root, { buildFiles: false }), raw),
    Boolean(raw?.trim()),
  );
  const manifests = withTerraformOutputs(i, selected, cwd);
  return {
    root,
    manifests,
    images: parseImages(i.string('images'), cwd),
    region: resolveRegion({ region: i.string('region'), env }),
  };
}

export const renderStep: Step<RenderSettings, RenderResult> = {
  name: 'render',
  summary:
    'render task definitions from templates, image digests, environment and secrets (validated, no AWS call)',
  inputs,
  outputs: [
    { name: 'task-definitions', description: 'JSON map of service → rendered task definition file.' },
    { name: 'families', description: 'JSON map of service → task definition family.' },
  ],
  settings(read, ctx) {
    const i = new Inputs(read, inputs);
    return {
      ...readServiceInputs(i, ctx.cwd, ctx.env),
      outputDir: outputDir(ctx.cwd, i.string('output-dir') ?? '.cendence/task-definitions'),
    };
  },
  async run(s, ctx) {
    const rendered = await renderServices(s.manifests, { ...s, runner: ctx.runner });
    const files = await writeRendered(rendered, s.outputDir);
    for (const r of rendered) {
      const images = Object.entries(r.images)
        .map(([c, img]) => `${c}=${img}`)
        .join(', ');
      ctx.runner.info(
        `${r.service}: family ${r.family} → ${path.relative(ctx.cwd, files[r.service])} (${images})`,
      );
    }
    return { rendered, files };
  },
  outputValues(r) {
    return {
      'task-definitions': JSON.stringify(r.files),
      families: JSON.stringify(Object.fromEntries(r.rendered.map((x) => [x.service, x.family]))),
    };
  },
};
