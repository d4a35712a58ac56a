// The SLSA provenance of a pushed image as an in-toto Statement: who built it (the CI job, or the CLI),
// from which source and commit, with which build arguments, base images and cache sources. Secrets
// appear by id only; their values are never known here.
import type { BuildFacts } from './build.js';

export const IN_TOTO_STATEMENT = 'https://in-toto.io/Statement/v1';
export const SLSA_PROVENANCE = 'https://slsa.dev/provenance/v1';
export const BUILD_TYPE = 'urn:cendence:build:v1';

export interface ProvenanceInput {
  image: string;
  digest: string;
  facts: BuildFacts;
  platforms: string[];
  cacheFrom: string[];
  cacheTo: string[];
  startedOn?: string;
  finishedOn: string;
  env: NodeJS.ProcessEnv;
  tool: string;
}

/** The builder id: the CI job that ran the build, or the CLI when no CI says so. */
export function builderId(env: NodeJS.ProcessEnv, tool: string): string {
  if (env.GITHUB_SERVER_URL && env.GITHUB_REPOSITORY && env.GITHUB_RUN_ID)
    return `${env.GITHUB_SERVER_URL}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`;
  if (env.CI_JOB_URL) return env.CI_JOB_URL;
  return `urn:cendence:cli:${tool}`;
}

export function provenanceStatement(p: ProvenanceInput): string {
  const hex = (d: string) => d.replace(/^sha256:/, '');
  const f = p.facts;
  const statement = {
    _type: IN_TOTO_STATEMENT,
    subject: [{ name: p.image, digest: { sha256: hex(p.digest) } }],
    predicateType: SLSA_PROVENANCE,
    predicate: {
      buildDefinition: {
        buildType: BUILD_TYPE,
        externalParameters: {
          source: { repository: f.source ?? null, commit: f.commit },
          dockerfile: f.dockerfile,
          ...(f.target ? { target: f.target } : {}),
          buildArgs: f.buildArgs,
          platforms: p.platforms,
          secrets: f.secretIds,
        },
        internalParameters: { engine: f.engine, cacheFrom: p.cacheFrom, cacheTo: p.cacheTo },
        resolvedDependencies: [
          ...(f.source ? [{ uri: `git+${f.source}`, digest: { gitCommit: f.commit } }] : []),
          ...f.bases.map((b) => ({
            uri: b.ref,
            digest: { sha256: hex(b.id) },
            annotations: { kind: b.id === b.ref.split('@')[1] ? 'pinned digest' : 'local image id' },
          })),
        ],
      },
      runDetails: {
        builder: { id: builderId(p.env, p.tool) },
        metadata: { ...(p.startedOn ? { startedOn: p.startedOn } : {}), finishedOn: p.finishedOn },
      },
    },
  };
  return `${JSON.stringify(statement, null, 2)}\n`;
}
