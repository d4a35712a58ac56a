// render: a service's task definition template + image digests + manifest environment and secrets →
// a task definition RegisterTaskDefinition accepts, with logging and platform defaults, validated
// against Fargate's rules. Pure: reads the template file and nothing else, calls no AWS API. Every
// problem is reported at once (one UserError); non-fatal findings come back as warnings.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { RegisterTaskDefinitionCommandInput } from '@aws-sdk/client-ecs';
import { UserError } from '../errors.js';
import type { ServiceManifest } from '../manifest/schema.js';
import { parseStrictJson } from '../strict-json.js';
import { parseImageRef } from './image-ref.js';
import { Problems } from './problems.js';
import { isRecord, REGISTER_KEYS, toRegisterInput } from './shape.js';
import { type Container, containerLabel, validateContainers, validateTask } from './validate.js';

export interface RenderOptions {
  manifest: ServiceManifest;
  /** Repository root; the template is read from <root>/<manifest.dir>/<deploy.taskDefinition>. */
  root: string;
  /** Service name → image URI, as the push step writes it: {"api": "<registry>/api@sha256:…"}. */
  images: Record<string, string>;
  /** Region for awslogs-region. */
  region: string;
  /** An already-parsed template (tests, or a task definition downloaded from AWS) instead of the file. */
  template?: unknown;
}

export interface RenderedTaskDefinition {
  /** The manifest's service name. */
  service: string;
  family: string;
  taskDefinition: RegisterTaskDefinitionCommandInput;
  /** Container name → the image it ended up with. */
  images: Record<string, string>;
  /** Non-fatal findings (unpinned images, stripped describe-only keys), already worded for a log. */
  warnings: string[];
  /** The template file, relative to the repository root. */
  templateFile: string;
}

/** The ECS service a manifest deploys to, and the cluster's short name (ARNs are accepted). */
export function ecsNames(manifest: ServiceManifest): { cluster: string; service: string } {
  const deploy = requireDeploy(manifest);
  // Optional in the manifest because terraform outputs may supply it (terraform/apply.ts); required here.
  if (!deploy.cluster) {
    throw new UserError(
      `deploy.cluster of service ${manifest.name} is set neither in the manifest nor by terraform outputs`,
      manifest.file,
      'set deploy.cluster in the manifest, or pass terraform-outputs (a `terraform output -json` file)',
    );
  }
  return { cluster: shortName(deploy.cluster), service: shortName(deploy.service ?? manifest.name) };
}

/** Reads the manifest's template and renders it. */
export async function renderTaskDefinition(opts: RenderOptions): Promise<RenderedTaskDefinition> {
  const deploy = requireDeploy(opts.manifest);
  const templateFile = path.join(opts.manifest.dir, deploy.taskDefinition);
  let template = opts.template;
  if (template === undefined) {
    let text: string;
    try {
      text = await readFile(path.resolve(opts.root, templateFile), 'utf8');
    } catch {
      throw new UserError(
        `task definition template not found`,
        templateFile,
        `create it, or point deploy.taskDefinition in ${opts.manifest.file} at the template`,
      );
    }
    template = parseJson(text, templateFile);
  }
  return renderFromTemplate(template, { ...opts, templateFile });
}

/** The template's JSON, strictly: an error names file:line:column; duplicate keys are refused. */
export function parseJson(text: string, file: string): unknown {
  return parseStrictJson(text, { file, fix: 'fix the JSON syntax at that position' });
}

/** ECS's limit on a task definition's JSON. */
export const TASK_DEFINITION_MAX_BYTES = 64 * 1024;

const FAMILY = /^[A-Za-z0-9_-]{1,255}$/;
const PLACEHOLDER = /^<IMAGE(?::([a-z][a-z0-9-]*))?>$/;

export function renderFromTemplate(
  template: unknown,
  opts: RenderOptions & { templateFile: string },
): RenderedTaskDefinition {
  const { manifest, images, region, templateFile } = opts;
  const deploy = requireDeploy(manifest);
  const names = ecsNames(manifest);
  const subject = `task definition for service ${manifest.name}`;
  const problems = new Problems();
  const warnings: string[] = [];

  if (!isRecord(template)) {
    throw new UserError(
      `${subject}: the template is not a JSON object`,
      templateFile,
      'write a task definition object',
    );
  }
  const { taskDefinition: td, stripped, unknown } = toRegisterInput(template);
  if (stripped.length > 0) {
    warnings.push(
      `${templateFile}: removed describe-only keys ${stripped.join(', ')} (ECS sets them itself)`,
    );
  }
  for (const key of unknown) {
    problems.add(
      key,
      'is not a task definition field',
      `remove it; allowed: ${[...REGISTER_KEYS].join(', ')}`,
    );
  }

  const defs = td.containerDefinitions;
  if (!Array.isArray(defs) || defs.length === 0 || !defs.every(isRecord)) {
    problems.add(
      'containerDefinitions',
      'is missing, empty or not an array of container objects',
      'add "containerDefinitions": [{ "name": "...", "image": "<IMAGE>", "essential": true }]',
    );
    problems.throwIfAny(subject, templateFile);
  }
  const containers = defs as Container[];

  // Family and container names.
  const provisioned = manifest.provisioned;
  const family =
    typeof td.family === 'string' && td.family ? td.family : (provisioned?.family ?? names.service);
  // Roles terraform/ made for the service, where the template names none.
  if (provisioned) {
    td.executionRoleArn ??= provisioned.executionRoleArn;
    td.taskRoleArn ??= provisioned.taskRoleArn;
  }
  if (!FAMILY.test(family)) {
    problems.add(
      'family',
      `"${family}" is not a valid family name`,
      'use at most 255 letters, digits, "-" and "_"',
    );
  }
  td.family = family;
  const seen = new Set<string>();
  containers.forEach((c, i) => {
    if (typeof c.name !== 'string' || !FAMILY.test(c.name)) {
      problems.add(
        `${containerLabel(c, i)}.name`,
        'is missing or invalid',
        'name every container with letters, digits, "-" or "_"',
      );
    } else if (seen.has(c.name)) {
      problems.add(
        `${containerLabel(c, i)}.name`,
        `duplicate container name "${c.name}"`,
        'give each container a unique name',
      );
    } else seen.add(c.name);
  });

  // The service's own container receives its image, environment and secrets.
  const containerNames = containers
    .map((c) => c.name)
    .filter(Boolean)
    .join(', ');
  const wanted = deploy.container ?? manifest.name;
  const own = containers.find((c) => c.name === wanted);
  const hasPlaceholder = containers.some((c) => typeof c.image === 'string' && PLACEHOLDER.test(c.image));
  if (!own && (deploy.container || !hasPlaceholder)) {
    problems.add(
      'deploy.container',
      `no container named "${wanted}" in ${templateFile} (containers: ${containerNames})`,
      `set deploy.container in ${manifest.file} to one of: ${containerNames}, or use "image": "<IMAGE>" in the template`,
    );
  }
  const ownImage = images[manifest.name];
  if (ownImage !== undefined && !parseImageRef(ownImage)) {
    problems.add(
      `images.${manifest.name}`,
      `"${ownImage}" is not an image reference`,
      'pass the image URI the push step printed (<registry>/<repo>@sha256:<digest>)',
    );
  }
  const usedImages: Record<string, string> = {};
  containers.forEach((c, i) => {
    const at = containerLabel(c, i);
    const placeholder = typeof c.image === 'string' ? PLACEHOLDER.exec(c.image) : null;
    let image = c.image;
    if (placeholder) {
      const from = placeholder[1] ?? manifest.name;
      image = images[from];
      if (image === undefined) {
        problems.add(
          `${at}.image`,
          `${c.image} needs the image of service "${from}", which input images does not have`,
          `pass images as JSON including "${from}", e.g. {"${from}": "<registry>/${from}@sha256:<digest>"} (the push step's output)`,
        );
      }
    } else if (c === own && ownImage !== undefined) image = ownImage;
    if (image === undefined) {
      if (!placeholder)
        problems.add(
          `${at}.image`,
          'is missing',
          'set "image": "<IMAGE>" (filled from input images) or an image URI',
        );
      return;
    }
    c.image = image;
    usedImages[String(c.name)] = image;
    const ref = parseImageRef(image);
    if (!ref)
      problems.add(
        `${at}.image`,
        `"${image}" is not an image reference`,
        'use <registry>/<repo>@sha256:<digest>',
      );
    else if (!ref.digest) {
      warnings.push(
        `${at}.image "${image}" is not pinned by digest; deploys and rollbacks are exact only with @sha256:…`,
      );
    }
  });

  if (own) {
    own.environment = mergeByName(own.environment, deploy.environment, (name, value) => ({ name, value }));
    own.secrets = mergeByName(own.secrets, deploy.secrets, (name, valueFrom) => ({ name, valueFrom }));
  }

  // Defaults, then every rule on the finished definition.
  for (const c of containers) {
    applyLogDefaults(c, {
      group: provisioned?.logGroup ?? `/ecs/${names.cluster}/${names.service}`,
      prefix: names.service,
      region,
    });
  }
  applyTaskDefaults(td, deploy.cpuArchitecture);
  validateContainers(
    containers,
    problems,
    (c, kind, name) =>
      c === own && name in deploy[kind] ? `${manifest.file} deploy.${kind}.${name}` : undefined,
    deploy.allowPlaintext,
  );
  validateTask(td, containers, problems);
  // RegisterTaskDefinition refuses more than 64 KiB of JSON; say so before any call, with what to trim.
  const size = Buffer.byteLength(JSON.stringify(td));
  if (size > TASK_DEFINITION_MAX_BYTES)
    problems.add(
      'size',
      `is ${(size / 1024).toFixed(1)} KiB of JSON; ECS accepts at most 64 KiB`,
      'move long values out of environment and command (into secrets, a config file in the image, or S3)',
    );

  problems.throwIfAny(subject, templateFile);
  return {
    service: manifest.name,
    family,
    taskDefinition: td as unknown as RegisterTaskDefinitionCommandInput,
    images: usedImages,
    warnings,
    templateFile,
  };
}

/** Fargate's defaults for what the template leaves out; the manifest's cpuArchitecture over the template's. */
function applyTaskDefaults(td: Record<string, unknown>, cpuArchitecture?: string): void {
  td.requiresCompatibilities ??= ['FARGATE'];
  td.networkMode ??= 'awsvpc';
  const platform = isRecord(td.runtimePlatform) ? td.runtimePlatform : {};
  platform.operatingSystemFamily ??= 'LINUX';
  if (cpuArchitecture) platform.cpuArchitecture = cpuArchitecture;
  platform.cpuArchitecture ??= 'X86_64';
  td.runtimePlatform = platform;
}

/** Awslogs defaults: a group per cluster/service, a stream prefix (required on Fargate), non-blocking mode. */
function applyLogDefaults(c: Container, d: { group: string; prefix: string; region: string }): void {
  if (!isRecord(c.logConfiguration)) {
    c.logConfiguration = { logDriver: 'awslogs', options: {} };
  }
  const lc = c.logConfiguration as unknown as Record<string, unknown>;
  if (lc.logDriver !== 'awslogs') return;
  const options = isRecord(lc.options) ? lc.options : {};
  options['awslogs-group'] ??= d.group;
  options['awslogs-region'] ??= d.region;
  options['awslogs-stream-prefix'] ??= d.prefix;
  options.mode ??= 'non-blocking';
  lc.options = options;
}

/** Template entries, overridden by the manifest's entries of the same name. */
function mergeByName<T extends { name?: string }>(
  existing: unknown,
  extra: Record<string, string>,
  make: (name: string, value: string) => T,
): T[] | undefined {
  const list = (Array.isArray(existing) ? existing : []) as T[];
  const names = Object.keys(extra);
  if (names.length === 0) return Array.isArray(existing) ? list : undefined;
  return [
    ...list.filter((e) => !isRecord(e) || !names.includes(String(e.name))),
    ...names.map((n) => make(n, extra[n])),
  ];
}

function requireDeploy(manifest: ServiceManifest) {
  if (!manifest.deploy) {
    throw new UserError(
      `service ${manifest.name} has no deploy section`,
      manifest.file,
      'add deploy: { cluster: <name> }',
    );
  }
  return manifest.deploy;
}

/** "arn:aws:ecs:…:cluster/prod" → "prod"; names pass through. */
export function shortName(nameOrArn: string): string {
  return nameOrArn.startsWith('arn:') ? nameOrArn.slice(nameOrArn.lastIndexOf('/') + 1) : nameOrArn;
}
