// The emulator's test OIDC issuer key: tokens for any issuer the account has an OIDC provider for are
// real RS256 JWTs, signed with this key and verified with it by STS. Production STS fetches the issuer's
// keys (JWKS); here the emulator is the only key holder, which is the one difference a test token has.
import { createPublicKey, generateKeyPairSync, type KeyObject, sign, verify } from 'node:crypto';

export const TEST_KEY_ID = 'cendence-emulator-test-issuer';

let keys: { privateKey: KeyObject; publicKey: KeyObject } | undefined;

function keyPair() {
  keys ??= generateKeyPairSync('rsa', { modulusLength: 2048 });
  return keys;
}

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

/** A signed JWT carrying `claims` (iat defaults to now; exp must be given). */
export function mintToken(
  claims: Record<string, unknown>,
  privateKey: KeyObject = keyPair().privateKey,
): string {
  const body = `${b64({ alg: 'RS256', typ: 'JWT', kid: TEST_KEY_ID })}.${b64(claims)}`;
  return `${body}.${sign('sha256', Buffer.from(body), privateKey).toString('base64url')}`;
}

/** The public key in JWK form (what an issuer's JWKS would publish). */
export function publicJwk(): Record<string, unknown> {
  return {
    ...createPublicKey(keyPair().publicKey).export({ format: 'jwk' }),
    kid: TEST_KEY_ID,
    alg: 'RS256',
    use: 'sig',
  };
}

/** True when the token's RS256 signature was made by the test issuer key. */
export function signatureValid(token: string): boolean {
  const [header, payload, signature] = token.split('.');
  if (!header || !payload || !signature) return false;
  return verify(
    'sha256',
    Buffer.from(`${header}.${payload}`),
    keyPair().publicKey,
    Buffer.from(signature, 'base64url'),
  );
}
