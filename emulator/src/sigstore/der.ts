// Just enough DER (X.690) to issue X.509 certificates: Node's crypto parses certificates but cannot make
// them, and the emulator's Fulcio must. Certificates are ECDSA P-256 / SHA-256, as Fulcio issues them.
import { createHash, type KeyObject, randomBytes, sign } from 'node:crypto';

function length(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v >>= 8) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

export function tlv(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), length(body.length), body]);
}

export const seq = (...c: Buffer[]) => tlv(0x30, ...c);
const set = (...c: Buffer[]) => tlv(0x31, ...c);
export const octets = (b: Buffer) => tlv(0x04, b);
export const utf8 = (s: string) => tlv(0x0c, Buffer.from(s, 'utf8'));
const bool = (v: boolean) => tlv(0x01, Buffer.from([v ? 0xff : 0]));
/** A BIT STRING whose last `unused` bits are padding. */
const bits = (b: Buffer, unused = 0) => tlv(0x03, Buffer.from([unused]), b);
/** Context-specific tag n: constructed (EXPLICIT or a SEQUENCE-like IMPLICIT) or primitive. */
export const tagged = (n: number, constructed: boolean, ...c: Buffer[]) =>
  tlv((constructed ? 0xa0 : 0x80) | n, ...c);

/** A non-negative INTEGER from big-endian bytes. */
function integer(b: Buffer): Buffer {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  const v = b.subarray(i);
  return tlv(0x02, v[0] & 0x80 ? Buffer.concat([Buffer.from([0]), v]) : v);
}

export function oid(dotted: string): Buffer {
  const [a, b, ...rest] = dotted.split('.').map(Number);
  const out = [40 * a + b];
  for (const n of rest) {
    const chunk = [n & 0x7f];
    for (let v = n >>> 7; v > 0; v >>>= 7) chunk.unshift(0x80 | (v & 0x7f));
    out.push(...chunk);
  }
  return tlv(0x06, Buffer.from(out));
}

/** UTCTime (years 1950–2049), the form RFC 5280 asks for in that range. */
function time(ms: number): Buffer {
  const iso = new Date(ms).toISOString();
  const s = `${iso.slice(2, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
  return tlv(0x17, Buffer.from(s, 'ascii'));
}

/** A distinguished name of organization and common name. */
export function name(organization: string, commonName?: string): Buffer {
  const rdn = (type: string, value: string) => set(seq(oid(type), utf8(value)));
  return seq(rdn('2.5.4.10', organization), ...(commonName ? [rdn('2.5.4.3', commonName)] : []));
}

export interface Extension {
  oid: string;
  critical?: boolean;
  /** The DER the extnValue OCTET STRING holds. */
  value: Buffer;
}

export const OID = {
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  subjectKeyId: '2.5.29.14',
  authorityKeyId: '2.5.29.35',
  subjectAltName: '2.5.29.17',
  codeSigning: '1.3.6.1.5.5.7.3.3',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
};

/** The SHA-1 of an EC public key's point (the subjectPublicKey bits): the key identifier RFC 5280 suggests. */
export function keyId(key: KeyObject): Buffer {
  const { x, y } = key.export({ format: 'jwk' });
  const point = Buffer.concat([Buffer.from([4]), Buffer.from(x!, 'base64url'), Buffer.from(y!, 'base64url')]);
  return createHash('sha1').update(point).digest();
}

/** keyUsage bits: digitalSignature (0), keyCertSign (5), cRLSign (6). */
export function keyUsage(...usages: ('digitalSignature' | 'keyCertSign' | 'cRLSign')[]): Buffer {
  const bit = { digitalSignature: 0, keyCertSign: 5, cRLSign: 6 };
  let byte = 0;
  let last = 0;
  for (const u of usages) {
    byte |= 0x80 >> bit[u];
    last = Math.max(last, bit[u]);
  }
  return bits(Buffer.from([byte]), 7 - last);
}

export const basicConstraints = (ca: boolean) => seq(...(ca ? [bool(true)] : []));

export interface CertificateSpec {
  issuer: Buffer;
  subject: Buffer;
  /** The subject's public key, DER SubjectPublicKeyInfo. */
  spki: Buffer;
  notBefore: number;
  notAfter: number;
  extensions: Extension[];
  /** The issuer's private key (ECDSA P-256). */
  signer: KeyObject;
}

/** A v3 certificate, DER. */
export function certificate(c: CertificateSpec): Buffer {
  const alg = seq(oid(OID.ecdsaWithSha256));
  const serial = randomBytes(16);
  serial[0] &= 0x7f;
  const tbs = seq(
    tagged(0, true, integer(Buffer.from([2]))),
    integer(serial),
    alg,
    c.issuer,
    seq(time(c.notBefore), time(c.notAfter)),
    c.subject,
    c.spki,
    tagged(
      3,
      true,
      seq(...c.extensions.map((e) => seq(oid(e.oid), ...(e.critical ? [bool(true)] : []), octets(e.value)))),
    ),
  );
  return seq(tbs, alg, bits(sign('sha256', tbs, c.signer)));
}

export const pem = (der: Buffer, label = 'CERTIFICATE') =>
  `-----BEGIN ${label}-----\n${der
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .replace(/\n$/, '')}\n-----END ${label}-----\n`;
