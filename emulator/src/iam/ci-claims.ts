// The claims GitHub Actions and GitLab CI put in a job's OIDC identity token (repository/project, ref,
// environment, event), for tests and the demo: signed with the emulator's test issuer key (mintToken) they
// are real JWTs, checked by the emulator's STS against Terraform's trust policies.

/** What the claims need from an emulator: its clock (tokens are issued and expire in emulated time). */
interface Emulator {
  clock: { now(): number };
}

export interface GithubJob {
  /** OWNER/REPO */
  repository: string;
  /** refs/heads/main, refs/tags/v1, refs/pull/7/merge */
  ref?: string;
  environment?: string;
  event?: string;
  audience?: string;
  /** Seconds from the emulator's now until exp (default 300; negative = already expired). */
  expiresIn?: number;
}

export function githubClaims(emu: Emulator, job: GithubJob): Record<string, unknown> {
  const now = Math.floor(emu.clock.now() / 1000);
  const ref = job.ref ?? 'refs/heads/main';
  const [owner] = job.repository.split('/');
  // A job with an environment gets an environment subject; otherwise pull requests get
  // repo:O/R:pull_request and the rest a ref subject.
  const sub = job.environment
    ? `repo:${job.repository}:environment:${job.environment}`
    : job.event === 'pull_request'
      ? `repo:${job.repository}:pull_request`
      : `repo:${job.repository}:ref:${ref}`;
  return {
    iss: 'https://token.actions.githubusercontent.com',
    aud: job.audience ?? 'sts.amazonaws.com',
    sub,
    repository: job.repository,
    repository_owner: owner,
    ref,
    ref_type: ref.startsWith('refs/tags/') ? 'tag' : 'branch',
    ...(job.environment ? { environment: job.environment } : {}),
    event_name: job.event ?? 'push',
    workflow: 'release',
    job_workflow_ref: `${job.repository}/.github/workflows/release.yml@${ref}`,
    run_id: '4242',
    actor: 'octocat',
    iat: now,
    nbf: now,
    exp: now + (job.expiresIn ?? 300),
  };
}

export interface GitlabJob {
  /** GROUP/PROJECT */
  projectPath: string;
  ref?: string;
  refType?: 'branch' | 'tag';
  environment?: string;
  issuer?: string;
  audience?: string;
  expiresIn?: number;
}

export function gitlabClaims(emu: Emulator, job: GitlabJob): Record<string, unknown> {
  const now = Math.floor(emu.clock.now() / 1000);
  const ref = job.ref ?? 'main';
  const refType = job.refType ?? 'branch';
  return {
    iss: job.issuer ?? 'https://gitlab.com',
    aud: job.audience ?? 'sts.amazonaws.com',
    sub: `project_path:${job.projectPath}:ref_type:${refType}:ref:${ref}`,
    namespace_path: job.projectPath.split('/').slice(0, -1).join('/'),
    project_path: job.projectPath,
    ref,
    ref_type: refType,
    ref_protected: 'true',
    ...(job.environment ? { environment: job.environment, environment_protected: 'true' } : {}),
    pipeline_source: 'push',
    user_login: 'deployer',
    // The pipeline configuration that ran: what Fulcio certifies for a GitLab job.
    ci_config_ref_uri: `${new URL(job.issuer ?? 'https://gitlab.com').host}/${job.projectPath}//.gitlab-ci.yml@refs/${refType === 'tag' ? 'tags' : 'heads'}/${ref}`,
    iat: now,
    nbf: now,
    exp: now + (job.expiresIn ?? 300),
  };
}
