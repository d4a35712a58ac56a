// Optional keyless signing of the provenance statement with the sigstore library: only where the CI
// offers an OIDC identity token for the "sigstore" audience — GitLab's id_tokens entry SIGSTORE_ID_TOKEN,
// or GitHub's token endpoint (job permission id-token: write). Without one the attestations stay unsigned
// and say why. The Fulcio and Rekor addresses default to the library's public instances; they can be
// pointed elsewhere (SIGSTORE_FULCIO_URL, SIGSTORE_REKOR_URL) for a private sigstore.
import { githubIdToken } from '../aws/credentials.js';
import { currentCallScope } from '../aws/retry.js';
import type { Runner } from '../runner/types.js';

/** The aud claim Fulcio requires of an identity token. */
export const SIGSTORE_AUDIENCE = 'sigstore';

export const SIGSTORE_BUNDLE_TYPE = 'application/vnd.dev.sigstore.bundle.v0.3+json';

export interface SigningIdentity {
  token: string;
  /** Where the token came from, for the label and the log. */
  source: string;
}

/** Why attestations are unsigned when the CI offers no identity. */
export const NO_IDENTITY =
  'unsigned: no OIDC identity token for sigstore (GitHub: permissions id-token: write; GitLab: id_tokens SIGSTORE_ID_TOKEN with aud sigstore)';

/** Why attestations are unsigned when the push was told not to sign. */
export const SIGNING_OFF = 'unsigned: signing turned off (sign: false)';

/** The CI's OIDC token for the sigstore audience, masked; undefined when the CI offers none. */
export async function signingIdentity(
  env: NodeJS.ProcessEnv,
  runner: Runner,
  signal?: AbortSignal,
): Promise<SigningIdentity | undefined> {
  if (env.SIGSTORE_ID_TOKEN) {
    runner.mask(env.SIGSTORE_ID_TOKEN);
    return { token: env.SIGSTORE_ID_TOKEN, source: 'GitLab id_tokens SIGSTORE_ID_TOKEN' };
  }
  if (env.ACTIONS_ID_TOKEN_REQUEST_TOKEN) runner.mask(env.ACTIONS_ID_TOKEN_REQUEST_TOKEN);
  // Bounded by the push's deadline (its call scope) when the caller gives no signal of its own.
  const token = await githubIdToken(env, SIGSTORE_AUDIENCE, signal ?? currentCallScope()?.signal);
  if (!token) return undefined;
  runner.mask(token);
  return { token, source: 'GitHub Actions OIDC (id-token: write)' };
}

/** Signs an in-toto statement as a DSSE envelope: Fulcio certificate for the identity, Rekor entry. */
export async function signStatement(statement: string, id: SigningIdentity, env: NodeJS.ProcessEnv) {
  // Loaded on use: the library is large and only a job with an identity token needs it.
  const { attest } = await import('sigstore');
  const bundle = await attest(Buffer.from(statement), 'application/vnd.in-toto+json', {
    identityToken: id.token,
    ...(env.SIGSTORE_FULCIO_URL ? { fulcioURL: env.SIGSTORE_FULCIO_URL } : {}),
    ...(env.SIGSTORE_REKOR_URL ? { rekorURL: env.SIGSTORE_REKOR_URL } : {}),
    retry: 0,
    timeout: 20_000,
  });
  return Buffer.from(JSON.stringify(bundle));
}
