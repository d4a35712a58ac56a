// The emulator's Fulcio: a certificate authority that issues a short-lived code-signing certificate for a
// public key, to the identity of an OIDC token the emulator's issuer signed (iam/oidc.ts, the key STS
// trusts too). As Fulcio: the token must be signed, unexpired and for the "sigstore" audience; the caller
// proves it holds the private key by signing the token's subject; the certificate names the identity
// (the e-mail, or the CI workflow's URI) and the token's issuer. Unlike Fulcio: no CT log, so no SCT.
import { createPublicKey, generateKeyPairSync, type KeyObject, verify } from 'node:crypto';
import { signatureValid } from '../iam/oidc.js';
import {
  basicConstraints,
  certificate,
  type Extension,
  keyId,
  keyUsage,
  name,
  OID,
  octets,
  oid,
  pem,
  seq,
  tagged,
  utf8,
} from './der.js';

/** Fulcio's certificate extensions: the token's issuer (v1 raw, v2 DER UTF8String). */
export const OID_ISSUER_V1 = '1.3.6.1.4.1.57264.1.1';
export const OID_ISSUER_V2 = '1.3.6.1.4.1.57264.1.8';
/** Fulcio's certificates live ten minutes: long enough to sign, too short to matter if the key leaked. */
export const CERT_LIFETIME_MS = 10 * 60_000;

export class FulcioError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Who the certificate is for: Fulcio's principal for the token's claims. */
export function principalOf(claims: Record<string, unknown>): { kind: 'email' | 'uri'; value: string } {
  if (typeof claims.email === 'string') {
    if (claims.email_verified !== true) throw new FulcioError(400, 'the e-mail of the token is not verified');
    return { kind: 'email', value: claims.email };
  }
  // GitHub Actions: the workflow that ran; GitLab CI: the pipeline configuration at its ref.
  if (typeof claims.job_workflow_ref === 'string')
    return { kind: 'uri', value: `https://github.com/${claims.job_workflow_ref}` };
  if (typeof claims.ci_config_ref_uri === 'string')
    return { kind: 'uri', value: `https://${claims.ci_config_ref_uri}` };
  throw new FulcioError(400, 'the token names no identity Fulcio can certify (email, GitHub or GitLab CI)');
}

/** The subject the caller signs to prove possession (what sigstore's client signs): e-mail, else sub. */
const challengeSubject = (claims: Record<string, unknown>) =>
  String(typeof claims.email === 'string' ? claims.email : claims.sub);

export class Fulcio {
  readonly root: Buffer;
  private readonly key: KeyObject;
  private readonly rootName = name('cendence-emulator', 'sigstore');
  private readonly rootKeyId: Buffer;

  constructor(
    readonly now: () => number,
    readonly rootValidFrom = now() - 60_000,
  ) {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    this.key = privateKey;
    this.rootKeyId = keyId(publicKey);
    this.root = certificate({
      issuer: this.rootName,
      subject: this.rootName,
      spki: publicKey.export({ type: 'spki', format: 'der' }),
      notBefore: this.rootValidFrom,
      notAfter: this.rootValidFrom + 10 * 365 * 86_400_000,
      signer: privateKey,
      extensions: [
        { oid: OID.basicConstraints, critical: true, value: basicConstraints(true) },
        { oid: OID.keyUsage, critical: true, value: keyUsage('keyCertSign', 'cRLSign') },
        { oid: OID.subjectKeyId, value: octets(this.rootKeyId) },
      ],
    });
  }

  /** POST /api/v2/signingCert: the answer Fulcio gives, a chain leaf first. */
  signingCert(request: unknown): Record<string, unknown> {
    const r = request as {
      credentials?: { oidcIdentityToken?: string };
      publicKeyRequest?: { publicKey?: { content?: string }; proofOfPossession?: string };
    };
    const token = r?.credentials?.oidcIdentityToken;
    const keyPem = r?.publicKeyRequest?.publicKey?.content;
    const proof = r?.publicKeyRequest?.proofOfPossession;
    if (!token || !keyPem || !proof)
      throw new FulcioError(400, 'credentials.oidcIdentityToken and publicKeyRequest are required');
    if (!signatureValid(token))
      throw new FulcioError(401, 'the identity token is not signed by an issuer this Fulcio trusts');
    const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));
    if (typeof claims.exp !== 'number' || claims.exp * 1000 <= this.now())
      throw new FulcioError(401, 'the identity token has expired');
    const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    if (!aud.includes('sigstore'))
      throw new FulcioError(401, `the identity token is for ${aud.join(', ')}, not sigstore`);
    let subjectKey: KeyObject;
    try {
      subjectKey = createPublicKey(keyPem);
    } catch {
      throw new FulcioError(400, 'publicKeyRequest.publicKey is not a PEM public key');
    }
    if (!verify('sha256', Buffer.from(challengeSubject(claims)), subjectKey, Buffer.from(proof, 'base64')))
      throw new FulcioError(400, 'the proof of possession does not verify with the public key');
    const who = principalOf(claims);
    const now = this.now();
    const extensions: Extension[] = [
      { oid: OID.keyUsage, critical: true, value: keyUsage('digitalSignature') },
      { oid: OID.extKeyUsage, value: seq(oid(OID.codeSigning)) },
      { oid: OID.subjectKeyId, value: octets(keyId(subjectKey)) },
      { oid: OID.authorityKeyId, value: seq(tagged(0, false, this.rootKeyId)) },
      {
        oid: OID.subjectAltName,
        critical: true,
        value: seq(tagged(who.kind === 'email' ? 1 : 6, false, Buffer.from(who.value, 'ascii'))),
      },
      { oid: OID_ISSUER_V1, value: Buffer.from(String(claims.iss)) },
      { oid: OID_ISSUER_V2, value: utf8(String(claims.iss)) },
    ];
    const leaf = certificate({
      issuer: this.rootName,
      // Fulcio leaves the subject empty: the identity is in the SAN.
      subject: seq(),
      spki: subjectKey.export({ type: 'spki', format: 'der' }),
      notBefore: now,
      notAfter: now + CERT_LIFETIME_MS,
      signer: this.key,
      extensions,
    });
    return {
      signedCertificateDetachedSct: { chain: { certificates: [pem(leaf), pem(this.root)] } },
    };
  }
}
