// verify: before any change, everything the deploy relies on exists (cluster, ACTIVE service with the
// right deployment controller, images in ECR, log groups, blue/green target groups and listener rules), and
// IAM's policy simulator says the deploy role may make the deploy's changes on them.
// Read-only; all problems reported at once as exit 2.
import { type AwsSettings, awsSettings, connect } from '../aws/connect.js';
import type { ServiceManifest } from '../manifest/schema.js';
import { renderServices } from '../taskdef/services.js';
import { type VerifyReport, verifyDeployment, verifyTargetFor } from '../verify/verify.js';
import { readServiceInputs, SERVICE_INPUTS } from './render.js';
import { AWS_INPUTS, type InputSpec, Inputs, type Step } from './step.js';

const inputs: InputSpec[] = [...SERVICE_INPUTS, ...AWS_INPUTS];

export interface VerifySettings {
  root: string;
  manifests: ServiceManifest[];
  images: Record<string, string>;
  region: string;
  aws: AwsSettings;
}

export interface VerifyResult extends VerifyReport {
  verified: string[];
}

export const verifyStep: Step<VerifySettings, VerifyResult> = {
  name: 'verify',
  summary: 'check that clusters, services, images, log groups and traffic resources exist (read-only)',
  inputs,
  outputs: [
    { name: 'verified', description: 'JSON list of the services whose deploy prerequisites all exist.' },
    { name: 'checks', description: 'Number of checks that passed.' },
  ],
  settings(read, ctx) {
    const i = new Inputs(read, inputs);
    return { ...readServiceInputs(i, ctx.cwd, ctx.env), aws: awsSettings(i, ctx) };
  },
  async run(s, ctx) {
    const rendered = await renderServices(s.manifests, { ...s, runner: ctx.runner });
    const targets = rendered.map((r) => verifyTargetFor(s.manifests.find((m) => m.name === r.service)!, r));
    const aws = await connect(s.aws, ctx);
    try {
      const report = await verifyDeployment(aws, targets, ctx.runner);
      for (const line of report.checked) ctx.runner.info(`ok: ${line}`);
      return { ...report, verified: targets.map((t) => t.name) };
    } finally {
      aws.destroy();
    }
  },
  outputValues(r) {
    return { verified: JSON.stringify(r.verified), checks: String(r.checked.length) };
  },
};
