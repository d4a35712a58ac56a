// The emulator's Rekor: an append-only transparency log (an RFC 6962 Merkle tree) that accepts DSSE entries
// the way Rekor's v1 API does — checks the envelope's signature against the verifier it names, stores the
// canonical "dsse" 0.0.1 body, and answers with the signed entry timestamp (SET) and an inclusion proof
// whose checkpoint the log signs. The shapes are Rekor's, so sigstore's own verifier checks them.
import {
  createHash,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  sign,
  verify,
  X509Certificate,
} from 'node:crypto';

export class RekorError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly location?: string,
  ) {
    super(message);
  }
}

const sha256 = (...parts: Buffer[]) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};

/** JSON with sorted keys and no whitespace (RFC 8785 for the values Rekor stores: strings, integers). */
export function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object')
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(v);
}

/** DSSE's pre-authentication encoding: what an envelope's signature covers. */
export function pae(payloadType: string, payload: Buffer): Buffer {
  const type = Buffer.from(payloadType);
  return Buffer.concat([
    Buffer.from(`DSSEv1 ${type.length} `),
    type,
    Buffer.from(` ${payload.length} `),
    payload,
  ]);
}

const leafHash = (body: Buffer) => sha256(Buffer.from([0]), body);
const nodeHash = (l: Buffer, r: Buffer) => sha256(Buffer.from([1]), l, r);
const split = (n: number) => 2 ** Math.floor(Math.log2(n - 1));

/** RFC 6962 Merkle tree hash of leaf hashes. */
function treeHash(leaves: Buffer[]): Buffer {
  if (leaves.length === 1) return leaves[0];
  const k = split(leaves.length);
  return nodeHash(treeHash(leaves.slice(0, k)), treeHash(leaves.slice(k)));
}

/** RFC 6962 audit path of leaf m, lowest level first. */
function auditPath(m: number, leaves: Buffer[]): Buffer[] {
  if (leaves.length <= 1) return [];
  const k = split(leaves.length);
  return m < k
    ? [...auditPath(m, leaves.slice(0, k)), treeHash(leaves.slice(k))]
    : [...auditPath(m - k, leaves.slice(k)), treeHash(leaves.slice(0, k))];
}

interface Entry {
  body: string;
  integratedTime: number;
  logIndex: number;
}

export class Rekor {
  private readonly key: KeyObject;
  readonly publicKey: Buffer;
  /** SHA-256 of the log's public key: its log ID. */
  readonly logId: Buffer;
  private readonly leaves: Buffer[] = [];
  private readonly entries = new Map<string, Entry>();
  private readonly treeId = String(Math.floor(Math.random() * 1e15));

  constructor(
    readonly now: () => number,
    /** The checkpoint's signer name: the log's host, as Rekor signs with rekor.sigstore.dev. */
    readonly origin: string,
  ) {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    this.key = privateKey;
    this.publicKey = publicKey.export({ type: 'spki', format: 'der' });
    this.logId = sha256(this.publicKey);
  }

  /** POST /api/v1/log/entries: {uuid: entry}, or 409 with the existing entry's location. */
  createEntry(proposed: unknown): Record<string, unknown> {
    const body = Buffer.from(canonical(this.dsseBody(proposed)));
    const uuid = leafHash(body).toString('hex');
    if (this.entries.has(uuid))
      throw new RekorError(
        409,
        'an equivalent entry already exists in the log',
        `/api/v1/log/entries/${uuid}`,
      );
    const entry = {
      body: body.toString('base64'),
      integratedTime: Math.floor(this.now() / 1000),
      logIndex: this.leaves.length,
    };
    this.leaves.push(leafHash(body));
    this.entries.set(uuid, entry);
    return { [uuid]: this.answer(entry) };
  }

  /** GET /api/v1/log/entries/{uuid}, with a proof against the tree as it is now. */
  getEntry(uuid: string): Record<string, unknown> {
    const entry = this.entries.get(uuid);
    if (!entry) throw new RekorError(404, `no entry ${uuid} in the log`);
    return { [uuid]: this.answer(entry) };
  }

  private answer(e: Entry): Record<string, unknown> {
    const logID = this.logId.toString('hex');
    const set = sign('sha256', Buffer.from(canonical({ ...e, logID })), this.key);
    const size = this.leaves.length;
    const root = treeHash(this.leaves);
    return {
      ...e,
      logID,
      verification: {
        signedEntryTimestamp: set.toString('base64'),
        inclusionProof: {
          logIndex: e.logIndex,
          treeSize: size,
          rootHash: root.toString('hex'),
          hashes: auditPath(e.logIndex, this.leaves).map((h) => h.toString('hex')),
          checkpoint: this.checkpoint(size, root),
        },
      },
    };
  }

  /** A signed note (transparency-dev checkpoint format): origin, size, root; then the log's signature. */
  private checkpoint(size: number, root: Buffer): string {
    const note = `${this.origin} - ${this.treeId}\n${size}\n${root.toString('base64')}\n`;
    const sig = sign('sha256', Buffer.from(note), this.key);
    const hint = this.logId.subarray(0, 4);
    return `${note}\n\u2014 ${this.origin} ${Buffer.concat([hint, sig]).toString('base64')}\n`;
  }

  /** Checks a proposed dsse 0.0.1 entry and returns the body Rekor stores for it. */
  private dsseBody(proposed: unknown): Record<string, unknown> {
    const p = proposed as {
      kind?: string;
      apiVersion?: string;
      spec?: { proposedContent?: { envelope?: string; verifiers?: string[] } };
    };
    if (p?.kind !== 'dsse' || p.apiVersion !== '0.0.1')
      throw new RekorError(400, `entry kind ${p?.kind} ${p?.apiVersion} is not served here (dsse 0.0.1 is)`);
    const text = p.spec?.proposedContent?.envelope;
    const verifiers = p.spec?.proposedContent?.verifiers ?? [];
    let envelope: { payloadType: string; payload: string; signatures: { sig: string }[] };
    try {
      envelope = JSON.parse(text ?? '');
    } catch {
      throw new RekorError(400, 'spec.proposedContent.envelope is not a JSON DSSE envelope');
    }
    const payload = Buffer.from(envelope.payload ?? '', 'base64');
    const keys = verifiers.map(verifierKey);
    const signatures = (envelope.signatures ?? []).map((s) => {
      const sig = Buffer.from(s.sig, 'base64');
      const i = keys.findIndex((k) => verify('sha256', pae(envelope.payloadType, payload), k, sig));
      if (i < 0) throw new RekorError(400, 'a DSSE signature does not verify with any of the verifiers');
      return { signature: s.sig, verifier: verifiers[i] };
    });
    if (signatures.length === 0) throw new RekorError(400, 'the envelope has no signature');
    return {
      apiVersion: '0.0.1',
      kind: 'dsse',
      spec: {
        envelopeHash: { algorithm: 'sha256', value: sha256(Buffer.from(text!)).toString('hex') },
        payloadHash: { algorithm: 'sha256', value: sha256(payload).toString('hex') },
        signatures,
      },
    };
  }
}

/** A verifier as Rekor takes it: base64 of a PEM certificate or public key. */
function verifierKey(b64: string): KeyObject {
  const text = Buffer.from(b64, 'base64').toString('utf8');
  try {
    return text.includes('CERTIFICATE') ? new X509Certificate(text).publicKey : createPublicKey(text);
  } catch {
    throw new RekorError(400, 'a verifier is neither a PEM certificate nor a PEM public key');
  }
}
