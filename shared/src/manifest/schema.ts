// The service manifest (services/<name>/service.yml): the one place a service is described.
// Validated with zod/mini (the tree-shakable build: no locale files in the bundles); errors are turned into "file: field: what is allowed" by load.ts.
import * as z from 'zod/mini';

const name = z
  .string()
  .check(z.regex(/^[a-z][a-z0-9-]{0,62}$/, 'lowercase letters, digits and dashes, starting with a letter'));

const keyValues = z.record(z.string(), z.string());

/** Seconds a deploy waits for a service's outcome when neither the manifest nor the step says. */
export const DEFAULT_TIMEOUT_SECONDS = 900;
const nonEmpty = () => z.string().check(z.minLength(1));
const wholeAbove0 = () => z.int().check(z.positive());
const atLeast = (n: number) => z.number().check(z.gte(n));
const list = <T extends z.core.SomeType>(item: T) => z.array(item);
const oneOrMore = <T extends z.core.SomeType>(item: T) => z.array(item).check(z.minLength(1));

export const buildSchema = z.strictObject({
  /** Dockerfile path, relative to the manifest's folder. */
  dockerfile: z._default(z.string(), 'Dockerfile'),
  /** Build context, relative to the manifest's folder. */
  context: z._default(z.string(), '.'),
  args: z._default(keyValues, {}),
  target: z.optional(z.string()),
  /** Paths outside the service folder (relative to the repository root) that affect this service. */
  paths: z._default(list(z.string()), []),
});

export const testSchema = z.strictObject({
  /** Command run inside the built image, as argv. */
  command: oneOrMore(z.string()),
  /** Where the command writes a JUnit report inside the container, if it does. */
  junit: z.optional(z.string()),
  env: z._default(keyValues, {}),
});

const strategy = z.enum(['rolling', 'blue-green', 'canary', 'linear', 'codedeploy']);

export const deploySchema = z.strictObject({
  /** Required to deploy; may instead come from terraform outputs (terraform-outputs input, terraform/apply.ts). */
  cluster: z.optional(nonEmpty()),
  /** ECS service name; defaults to the manifest's name. */
  service: z.optional(nonEmpty()),
  strategy: z._default(strategy, 'rolling'),
  /** Task definition template, relative to the manifest's folder (JSON). */
  taskDefinition: z._default(z.string(), 'taskdef.json'),
  /** Container that receives this service's image; defaults to the manifest's name. */
  container: z.optional(z.string()),
  /** ECS runs at most 5000 tasks per service. */
  desiredCount: z.optional(z.int().check(z.gte(0), z.lte(5000))),
  /** Fargate CPU architecture (render writes runtimePlatform.cpuArchitecture); ARM64 needs an arm64 image. */
  cpuArchitecture: z.optional(z.enum(['X86_64', 'ARM64'])),
  /** verify and deploy refuse an image digest without SBOM and provenance referrers (cendence push). */
  requireAttestations: z.optional(z.boolean()),
  environment: z._default(keyValues, {}),
  /** Environment variables that look secret but are not (a public key, a test fixture): kept in plaintext. */
  allowPlaintext: z._default(list(z.string()), []),
  /** name → SSM parameter or Secrets Manager ARN. Never plaintext. */
  secrets: z._default(keyValues, {}),
  /** Seconds to wait for the outcome before giving up (and applying onTimeout). */
  timeoutSeconds: z._default(wholeAbove0(), DEFAULT_TIMEOUT_SECONDS),
  blueGreen: z.optional(
    z.strictObject({
      targetGroup: z.string(),
      alternateTargetGroup: z.string(),
      productionListenerRule: z.string(),
      testListenerRule: z.optional(z.string()),
      roleArn: z.string(),
      containerPort: wholeAbove0(),
      bakeTimeMinutes: z._default(atLeast(0), 5),
      canaryPercent: z.optional(z.number().check(z.gte(0.1), z.lte(100))),
      canaryBakeMinutes: z.optional(atLeast(0)),
      linearStepPercent: z.optional(z.number().check(z.gte(3), z.lte(100))),
      linearStepBakeMinutes: z.optional(atLeast(0)),
    }),
  ),
  codedeploy: z.optional(
    z.strictObject({
      application: z.string(),
      deploymentGroup: z.string(),
      deploymentConfig: z._default(z.string(), 'CodeDeployDefault.ECSAllAtOnce'),
      containerPort: wholeAbove0(),
    }),
  ),
  /** A one-off task run with the new task definition before the service is updated (migrations). */
  preDeployTask: z.optional(
    z.strictObject({
      command: oneOrMore(z.string()),
      container: z.optional(z.string()),
      timeoutSeconds: z._default(wholeAbove0(), 600),
    }),
  ),
  network: z.optional(
    z.strictObject({
      subnets: oneOrMore(z.string()),
      securityGroups: z._default(list(z.string()), []),
      assignPublicIp: z._default(z.boolean(), false),
    }),
  ),
});

export const manifestSchema = z.strictObject({
  name,
  /** ECR repository name; defaults to the manifest's name. */
  repository: z.optional(z.string()),
  build: z._default(buildSchema, { dockerfile: 'Dockerfile', context: '.', args: {}, paths: [] }),
  test: z.optional(testSchema),
  /** Services this one depends on: they are planned, built and deployed first. */
  dependsOn: z._default(list(name), []),
  deploy: z.optional(deploySchema),
});

export type Manifest = z.output<typeof manifestSchema>;
export type DeploySettings = z.output<typeof deploySchema>;
export type Strategy = z.output<typeof strategy>;

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
