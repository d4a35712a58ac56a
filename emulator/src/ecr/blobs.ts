// Content-addressed blob storage for the registry and upload sessions (chunked, monolithic, and the
// ECR API's layer-part uploads). Small blobs stay in memory; anything larger than SPILL_BYTES goes to
// a temp dir so that pushing real images keeps the emulator's memory flat. Which repository may see
// which blob is decided by the store (store.ts), not here.
import { createHash, type Hash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';

/** Blobs (and uploads) above this size live on disk. */
export const SPILL_BYTES = 1024 * 1024;

// Temp dirs of every store, removed when the process exits even if nobody called clear().
const liveDirs = new Set<string>();
let exitHook = false;
function track(dir: string): void {
  liveDirs.add(dir);
  if (exitHook) return;
  exitHook = true;
  process.once('exit', () => {
    for (const d of liveDirs) fs.rmSync(d, { recursive: true, force: true });
  });
}

interface StoredBlob {
  size: number;
  data?: Buffer;
  file?: string;
}

export interface UploadSession {
  readonly id: string;
  readonly repository: string;
  /** Bytes received so far. */
  size: number;
  hash: Hash;
  chunks: Buffer[];
  file?: string;
  startedAt: number;
}

export class DigestMismatchError extends Error {}

export class BlobStore {
  private blobs = new Map<string, StoredBlob>();
  private uploads = new Map<string, UploadSession>();
  private dir?: string;
  /**
   * Bytes received into blobs and bytes served, for benchmarks ("0 bytes moved" on a re-tag), in all
   * and per repository (a build step both re-tags some repositories and pushes a cache to another).
   */
  readonly stats = {
    bytesReceived: 0,
    bytesServed: 0,
    byRepository: new Map<string, { received: number; served: number }>(),
  };

  private repoStats(repository: string) {
    const known = this.stats.byRepository.get(repository);
    if (known) return known;
    const r = { received: 0, served: 0 };
    this.stats.byRepository.set(repository, r);
    return r;
  }

  has(digest: string): boolean {
    return this.blobs.has(digest);
  }

  /** Whether a blob was spilled to the temp dir rather than kept in memory. */
  onDisk(digest: string): boolean {
    return this.blobs.get(digest)?.file !== undefined;
  }

  size(digest: string): number | undefined {
    return this.blobs.get(digest)?.size;
  }

  /** Stores `data` under its own sha256 digest and returns that digest. */
  putBuffer(digest: string, data: Buffer): void {
    if (this.blobs.has(digest)) return;
    if (data.length > SPILL_BYTES) {
      const file = this.tempFile();
      fs.writeFileSync(file, data);
      this.blobs.set(digest, { size: data.length, file });
    } else {
      this.blobs.set(digest, { size: data.length, data });
    }
  }

  read(digest: string): Buffer | undefined {
    const b = this.blobs.get(digest);
    if (!b) return undefined;
    return b.data ?? fs.readFileSync(b.file!);
  }

  stream(digest: string, repository: string): Readable | undefined {
    const b = this.blobs.get(digest);
    if (!b) return undefined;
    this.stats.bytesServed += b.size;
    this.repoStats(repository).served += b.size;
    return b.data ? Readable.from([b.data]) : fs.createReadStream(b.file!);
  }

  startUpload(repository: string, now: number): UploadSession {
    const session: UploadSession = {
      id: randomUUID(),
      repository,
      size: 0,
      hash: createHash('sha256'),
      chunks: [],
      startedAt: now,
    };
    this.uploads.set(session.id, session);
    return session;
  }

  upload(id: string): UploadSession | undefined {
    return this.uploads.get(id);
  }

  append(session: UploadSession, chunk: Buffer): void {
    if (chunk.length === 0) return;
    session.hash.update(chunk);
    session.size += chunk.length;
    this.stats.bytesReceived += chunk.length;
    this.repoStats(session.repository).received += chunk.length;
    if (session.file) {
      fs.appendFileSync(session.file, chunk);
    } else if (session.size > SPILL_BYTES) {
      session.file = this.tempFile();
      fs.writeFileSync(session.file, Buffer.concat([...session.chunks, chunk]));
      session.chunks = [];
    } else {
      session.chunks.push(chunk);
    }
  }

  /** Completes an upload: verifies the digest the client claims and moves the bytes into the store. */
  finish(session: UploadSession, expectedDigest: string): string {
    this.uploads.delete(session.id);
    const actual = `sha256:${session.hash.digest('hex')}`;
    if (actual !== expectedDigest) {
      if (session.file) fs.rmSync(session.file, { force: true });
      throw new DigestMismatchError(
        `digest ${expectedDigest} does not match the uploaded content (${actual})`,
      );
    }
    if (this.blobs.has(actual)) {
      if (session.file) fs.rmSync(session.file, { force: true });
    } else if (session.file) {
      this.blobs.set(actual, { size: session.size, file: session.file });
    } else {
      this.blobs.set(actual, { size: session.size, data: Buffer.concat(session.chunks) });
    }
    return actual;
  }

  cancel(id: string): boolean {
    const s = this.uploads.get(id);
    if (!s) return false;
    if (s.file) fs.rmSync(s.file, { force: true });
    return this.uploads.delete(id);
  }

  /** Drops every blob and upload, and the temp dir. */
  clear(): void {
    this.blobs.clear();
    this.uploads.clear();
    this.stats.bytesReceived = 0;
    this.stats.bytesServed = 0;
    this.stats.byRepository.clear();
    if (this.dir) {
      fs.rmSync(this.dir, { recursive: true, force: true });
      liveDirs.delete(this.dir);
    }
    this.dir = undefined;
  }

  private tempFile(): string {
    if (!this.dir) {
      this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cendence-ecr-'));
      track(this.dir);
    }
    return path.join(this.dir, randomUUID());
  }
}
