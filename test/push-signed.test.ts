// A signed push end to end, offline: a fixture image built by the real Docker engine, pushed by the CLI to the
// emulator's ECR with a GitLab id token for the sigstore audience (minted by the emulator's OIDC issuer). The
// real sigstore library signs the provenance through the emulator's Fulcio (a certificate for the token's
// identity) and Rekor (an entry with its inclusion proof). The test then reads the signature referrer as any
// OCI client would and checks it three ways: the DSSE signature against the certificate's key over the exact
// provenance pushed, the certificate's identity against the token, and sigstore's own verifier with the
// emulator's CA and log key as its trust root. No network beyond 127.0.0.1.
import { execFile } from 'node:child_process';
import { verify, X509Certificate } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bundleFromJSON } from '@sigstore/bundle';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { toSignedEntity, toTrustMaterial, Verifier } from '@sigstore/verify';
import { gitlabClaims } from '../emulator/src/iam/ci-claims.js';
import { type Emulator, startEmulator } from '../emulator/src/index.js';
import { sigstoreURLs } from '../emulator/src/sigstore/index.js';
import { pae } from '../emulator/src/sigstore/rekor.js';
import {
  BUSYBOX,
  CapturingRunner,
  dockerStatus,
  type Fixture,
  makeFixture,
  removeImages,
  runStep,
  summaryFile,
} from '../harness/build-push.js';
import { AwsClients } from '../shared/src/aws/clients.js';
import { ecrLogin } from '../shared/src/registry/ecr-auth.js';
import { OciRegistry } from '../shared/src/registry/oci.js';
import { PROVENANCE_TYPE, SBOM_TYPE } from '../shared/src/registry/referrers.js';
import { SIGSTORE_BUNDLE_TYPE } from '../shared/src/registry/sign.js';
import { buildStep } from '../shared/src/steps/build.js';
import type { PushResult } from '../shared/src/steps/push.js';

const run = promisify(execFile);
const docker = dockerStatus();
const ready = docker.ok && BUSYBOX !== undefined;
if (!ready)
  process.stdout.write(
    `skipping the signed push test: ${docker.reason ?? 'busybox-static is not installed'}\n`,
  );

// The CLI runs in a child process: the sigstore library's HTTP stack does not load in jest's module sandbox.
const TSX = pathToFileURL(path.resolve('node_modules/tsx/dist/loader.mjs')).href;
const CLI = path.resolve('shared/src/cli/main.ts');
/** The CLI as shipped: esbuild's bundle, with sigstore's HTTP layer shimmed onto Node's fetch (scripts/shims). */
const BUNDLED_CLI = path.resolve('cli/dist/index.js');

interface Bundle {
  verificationMaterial: { certificate: { rawBytes: string } };
  dsseEnvelope: { payload: string; payloadType: string; signatures: { sig: string }[] };
}

(ready ? describe : describe.skip)('a signed push (sigstore through the emulator)', () => {
  let emu: Emulator;
  let f: Fixture;
  let builds: string;
  let token: string;
  const identity = 'https://gitlab.com/acme/shop//.gitlab-ci.yml@refs/heads/main';

  beforeAll(async () => {
    emu = await startEmulator({ region: 'eu-west-3' });
    f = await makeFixture(['api']);
    builds = await build();
    token = emu.mintToken(gitlabClaims(emu, { projectPath: 'acme/shop', audience: 'sigstore' }));
  }, 120_000);

  afterAll(async () => {
    await emu?.stop();
    if (f) {
      removeImages(`${emu.host}/fixture/*`);
      await rm(f.repo, { recursive: true, force: true });
      await rm(f.shimDir, { recursive: true, force: true });
    }
  });

  /** A new image of the fixture (a push attests only what it uploads): its builds output. */
  async function build(message?: string): Promise<string> {
    if (message) {
      await f.write('services/api/app/message.txt', `${message}\n`);
      f.commit(message);
    }
    const r = await runStep(
      buildStep,
      { endpoint: emu.url, services: 'api', 'cache-from': 'none', 'cache-to': 'none' },
      f,
    );
    return r.outputs.builds;
  }

  /** `cendence push` as a GitLab job runs it, pointed at the emulator's Fulcio and Rekor. */
  async function push(extra: NodeJS.ProcessEnv = {}, flags: string[] = [], bundled = false) {
    const urls = sigstoreURLs(emu.url);
    const env: NodeJS.ProcessEnv = {
      ...f.env,
      SIGSTORE_ID_TOKEN: token,
      SIGSTORE_FULCIO_URL: urls.fulcio,
      SIGSTORE_REKOR_URL: urls.rekor,
      ...extra,
    };
    for (const k of ['GITHUB_ACTIONS', 'GITLAB_CI', 'ACTIONS_ID_TOKEN_REQUEST_URL']) delete env[k];
    const cli = bundled ? [BUNDLED_CLI] : ['--import', TSX, CLI];
    const args = [...cli, 'push', '--json', '--builds', builds, '--endpoint', emu.url];
    const out = await run(
      process.execPath,
      [...args, '--create-repository', '--attestations-dir', 'attest', ...flags],
      {
        cwd: f.repo,
        env,
        maxBuffer: 16 * 1024 * 1024,
      },
    );
    const result = JSON.parse(out.stdout.slice(out.stdout.indexOf('\n{') + 1)) as PushResult;
    return { result, log: `${out.stdout}${out.stderr}` };
  }

  it('signs the provenance: the pushed bundle verifies against the certificate, the identity and the trust root', async () => {
    await expectVerifiedSignature(await push());
  }, 180_000);

  it('the shipped CLI bundle signs the same way through its fetch and sigstore shims', async () => {
    builds = await build('api bundled');
    await expectVerifiedSignature(await push({}, [], true));
  }, 180_000);

  /** The pushed signature referrer checked three ways, and the artifact copy equal to it. */
  async function expectVerifiedSignature({ result, log }: { result: PushResult; log: string }) {
    const pushed = result.pushes[0];
    expect(pushed.attestations).toMatchObject({
      signed: true,
      label:
        'signed: sigstore DSSE bundle of the provenance, identity from GitLab id_tokens SIGSTORE_ID_TOKEN',
    });
    expect(log).not.toContain(token);
    const digest = pushed.digest;

    // The referrers of the pushed digest, as any OCI client sees them.
    const aws = new AwsClients({ region: 'eu-west-3', endpoint: emu.url });
    const reg = new OciRegistry(await ecrLogin(aws, new CapturingRunner(summaryFile(f))));
    const refs = await reg.referrers('fixture/api', digest);
    expect(refs.map((r) => r.artifactType).sort()).toEqual(
      [PROVENANCE_TYPE, SBOM_TYPE, SIGSTORE_BUNDLE_TYPE].sort(),
    );
    for (const r of refs) expect(r.annotations?.['io.cendence.signature']).toMatch(/^signed: /);
    const blob = async (type: string) => {
      const ref = refs.find((r) => r.artifactType === type)!;
      const manifest = await reg.manifest('fixture/api', ref.digest);
      const layer = manifest!.json.layers![0];
      return reg.blob('fixture/api', layer.digest);
    };
    const bundle = JSON.parse((await blob(SIGSTORE_BUNDLE_TYPE)).toString('utf8')) as Bundle;
    const provenance = await blob(PROVENANCE_TYPE);
    aws.destroy();

    // 1. The envelope signs exactly the provenance statement pushed beside it, with the certificate's key.
    const envelope = bundle.dsseEnvelope;
    const payload = Buffer.from(envelope.payload, 'base64');
    expect(payload.equals(provenance)).toBe(true);
    expect(JSON.parse(payload.toString('utf8')).subject[0].digest.sha256).toBe(
      digest.slice('sha256:'.length),
    );
    const cert = new X509Certificate(Buffer.from(bundle.verificationMaterial.certificate.rawBytes, 'base64'));
    const signed = pae(envelope.payloadType, payload);
    const sig = Buffer.from(envelope.signatures[0].sig, 'base64');
    expect(verify('sha256', signed, cert.publicKey, sig)).toBe(true);
    expect(verify('sha256', pae(envelope.payloadType, Buffer.from(`${payload} `)), cert.publicKey, sig)).toBe(
      false,
    );

    // 2. The certificate is for the token's identity, from the emulator's CA, and short-lived.
    expect(cert.subjectAltName).toBe(`URI:${identity}`);
    const root = (await (await fetch(sigstoreURLs(emu.url).trustedRoot)).json()) as {
      certificateAuthorities: { certChain: { certificates: { rawBytes: string }[] } }[];
    };
    const ca = new X509Certificate(
      Buffer.from(root.certificateAuthorities[0].certChain.certificates[0].rawBytes, 'base64'),
    );
    expect(cert.verify(ca.publicKey)).toBe(true);
    expect(Date.parse(cert.validTo) - Date.parse(cert.validFrom)).toBeLessThanOrEqual(10 * 60_000);

    // 3. sigstore's own verifier, trusting only the emulator's CA and Rekor key (no CT log: no SCT asked).
    const verifier = new Verifier(toTrustMaterial(TrustedRoot.fromJSON(root)), { ctlogThreshold: 0 });
    const signer = verifier.verify(toSignedEntity(bundleFromJSON(bundle)), {
      subjectAlternativeName: identity,
      extensions: { issuer: 'https://gitlab.com' },
    });
    expect(signer.identity?.subjectAlternativeName).toBe(identity);
    // The same bundle over another statement, or under another identity, is refused.
    const forged = {
      ...bundle,
      dsseEnvelope: { ...envelope, payload: Buffer.from(`${payload} `).toString('base64') },
    };
    expect(() => verifier.verify(toSignedEntity(bundleFromJSON(forged)))).toThrow();
    expect(() =>
      verifier.verify(toSignedEntity(bundleFromJSON(bundle)), {
        subjectAlternativeName: 'https://gitlab.com/evil',
      }),
    ).toThrow();

    // The files the CI keeps as artifacts are the same bundle.
    const saved = JSON.parse(await readFile(path.join(f.repo, 'attest', 'api.sigstore.json'), 'utf8'));
    expect(saved).toEqual(bundle);
  }

  it('a token Fulcio refuses (expired) leaves the push done and its attestations unsigned, saying why', async () => {
    const expired = emu.mintToken(
      gitlabClaims(emu, { projectPath: 'acme/shop', audience: 'sigstore', expiresIn: -60 }),
    );
    builds = await build('api v2');
    const { result, log } = await push({ SIGSTORE_ID_TOKEN: expired });
    const pushed = result.pushes[0];
    expect(pushed.status).toBe('pushed');
    expect(pushed.attestations?.signed).toBe(false);
    expect(pushed.attestations?.label).toMatch(/^unsigned: signing failed \(.*/);
    expect(log).toContain('the identity token has expired');
    expect(log).not.toContain(expired);
    // sign: false never asks Fulcio, whatever the CI offers.
    builds = await build('api v3');
    const off = await push({}, ['--sign=false']);
    expect(off.result.pushes[0].attestations).toMatchObject({
      signed: false,
      label: 'unsigned: signing turned off (sign: false)',
    });
  }, 180_000);
});
