// The service manifest (services/<name>/service.yml): the one place a service is described.
// Validated with zod; errors are turned into "file: field: what is allowed" by load.ts.
import { z } from 'zod';

const name = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,62}$/, 'lowercase letters, digits and dashes, starting with a letter');

const keyValues = z.record(z.string(), z.string());

export const buildSchema = z.strictObject({
  /** Dockerfile path, relative to the manifest's folder. */
  dockerfile: z.string().default('Dockerfile'),
  /** Build context, relative to the manifest's folder. */
  context: z.string().default('.'),
  args: keyValues.default({}),
  target: z.string().optional(),
  /** Paths outside the service folder (relative to the repository root) that affect this service. */
  paths: z.array(z.string()).default([]),
});

export const testSchema = z.strictObject({
  /** Command run inside the built image, as argv. */
  command: z.array(z.string()).min(1),
  /** Where the command writes a JUnit report inside the container, if it does. */
  junit: z.string().optional(),
  env: keyValues.default({}),
});

const strategy = z.enum(['rolling', 'blue-green', 'canary', 'linear', 'codedeploy']);

export const deploySchema = z.strictObject({
  /** Required to deploy; may instead come from terraform outputs (terraform-outputs input, terraform/apply.ts). */
  cluster: z.string().min(1).optional(),
  /** ECS service name; defaults to the manifest's name. */
  service: z.string().min(1).optional(),
  strategy: strategy.default('rolling'),
  /** Task definition template, relative to the manifest's folder (JSON). */
  taskDefinition: z.string().default('taskdef.json'),
  /** Container that receives this service's image; defaults to the manifest's name. */
  container: z.string().optional(),
  /** ECS runs at most 5000 tasks per service. */
  desiredCount: z.number().int().min(0).max(5000).optional(),
  /** Fargate CPU architecture (render writes runtimePlatform.cpuArchitecture); ARM64 needs an arm64 image. */
  cpuArchitecture: z.enum(['X86_64', 'ARM64']).optional(),
  /** verify and deploy refuse an image digest without SBOM and provenance referrers (cendence push). */
  requireAttestations: z.boolean().optional(),
  environment: keyValues.default({}),
  /** Environment variables that look secret but are not (a public key, a test fixture): kept in plaintext. */
  allowPlaintext: z.array(z.string()).default([]),
  /** name → SSM parameter or Secrets Manager ARN. Never plaintext. */
  secrets: keyValues.default({}),
  /** Seconds to wait for the outcome before giving up (and applying onTimeout). */
  timeoutSeconds: z.number().int().positive().default(900),
  blueGreen: z
    .strictObject({
      targetGroup: z.string(),
      alternateTargetGroup: z.string(),
      productionListenerRule: z.string(),
      testListenerRule: z.string().optional(),
      roleArn: z.string(),
      containerPort: z.number().int().positive(),
      bakeTimeMinutes: z.number().min(0).default(5),
      canaryPercent: z.number().min(0.1).max(100).optional(),
      canaryBakeMinutes: z.number().min(0).optional(),
      linearStepPercent: z.number().min(3).max(100).optional(),
      linearStepBakeMinutes: z.number().min(0).optional(),
    })
    .optional(),
  codedeploy: z
    .strictObject({
      application: z.string(),
      deploymentGroup: z.string(),
      deploymentConfig: z.string().default('CodeDeployDefault.ECSAllAtOnce'),
      containerPort: z.number().int().positive(),
    })
    .optional(),
  /** A one-off task run with the new task definition before the service is updated (migrations). */
  preDeployTask: z
    .strictObject({
      command: z.array(z.string()).min(1),
      container: z.string().optional(),
      timeoutSeconds: z.number().int().positive().default(600),
    })
    .optional(),
  network: z
    .strictObject({
      subnets: z.array(z.string()).min(1),
      securityGroups: z.array(z.string()).default([]),
      assignPublicIp: z.boolean().default(false),
    })
    .optional(),
});

export const manifestSchema = z.strictObject({
  name,
  /** ECR repository name; defaults to the manifest's name. */
  repository: z.string().optional(),
  build: buildSchema.default({ dockerfile: 'Dockerfile', context: '.', args: {}, paths: [] }),
  test: testSchema.optional(),
  /** Services this one depends on: they are planned, built and deployed first. */
  dependsOn: z.array(name).default([]),
  deploy: deploySchema.optional(),
});

export type Manifest = z.infer<typeof manifestSchema>;
export type DeploySettings = z.infer<typeof deploySchema>;
export type Strategy = z.infer<typeof strategy>;

/** A manifest as loaded: parsed fields plus where it came from. */
export interface ServiceManifest extends Manifest {
  /** The manifest file, relative to the repository root. */
  file: string;
  /** The service's folder, relative to the repository root. */
  dir: string;
  /**
   * Names terraform/ gave the service's task definition (terraform-outputs): used where the template
   * leaves them out, so templates need not repeat them.
   */
  provisioned?: {
    family: string;
    executionRoleArn: string;
    taskRoleArn: string;
    logGroup: string;
    repositoryName: string;
  };
}
