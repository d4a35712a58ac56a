// A small client for the Docker Engine API over its unix socket (or DOCKER_HOST=tcp://…): the
// container runtime needs create/start/stop/wait/logs/events and network calls, each a plain HTTP
// request, so no process is spawned per call (the CLI would cost ~50 ms per call and per task).
import http from 'node:http';
import type { Readable } from 'node:stream';

const API = '/v1.41';

export class EngineError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface EngineOptions {
  /** DOCKER_HOST: unix:///path or tcp://host:port. Default unix:///var/run/docker.sock. */
  host?: string;
}

interface Target {
  socketPath?: string;
  hostname?: string;
  port?: number;
}

function targetOf(host: string | undefined): Target {
  const h = host || 'unix:///var/run/docker.sock';
  if (h.startsWith('unix://')) return { socketPath: h.slice('unix://'.length) };
  const u = new URL(h.replace(/^tcp:/, 'http:'));
  return { hostname: u.hostname, port: Number(u.port || 2375) };
}

export class Engine {
  private readonly target: Target;
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 16 });

  constructor(opts: EngineOptions = {}) {
    this.target = targetOf(opts.host ?? process.env.DOCKER_HOST);
  }

  close(): void {
    this.agent.destroy();
  }

  /** The raw response (for streams); rejects on transport errors only. */
  raw(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
    timeoutMs = 0,
  ): Promise<http.IncomingMessage> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = http.request(
        {
          ...this.target,
          agent: timeoutMs === 0 && path.includes('follow=') ? undefined : this.agent,
          method,
          path: `${API}${path}`,
          headers: {
            ...headers,
            ...(payload
              ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }
              : {}),
          },
        },
        resolve,
      );
      req.on('error', reject);
      if (timeoutMs > 0)
        req.setTimeout(timeoutMs, () => req.destroy(new Error(`docker ${method} ${path}: timeout`)));
      req.end(payload);
    });
  }

  /** A JSON call: resolves the parsed body for 2xx, rejects with EngineError otherwise. */
  async call<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
    timeoutMs = 30_000,
  ): Promise<T> {
    const res = await this.raw(method, path, body, headers, timeoutMs);
    const text = await readAll(res);
    const status = res.statusCode ?? 0;
    if (status < 200 || status >= 300) {
      let message = text.trim();
      try {
        message = (JSON.parse(text) as { message?: string }).message ?? message;
      } catch {
        // not JSON: keep the text
      }
      throw new EngineError(status, message || `HTTP ${status}`);
    }
    return (text ? JSON.parse(text) : undefined) as T;
  }

  async ping(): Promise<boolean> {
    try {
      const res = await this.raw('GET', '/_ping', undefined, {}, 2000);
      await readAll(res);
      return res.statusCode === 200;
    } catch {
      return false;
    }
  }

  /**
   * Pulls an image; the engine streams progress as JSON lines and reports a failed pull as an
   * {"error": …} line with status 200, so the stream is read to its end.
   */
  async pull(
    image: string,
    auth?: { username: string; password: string; serveraddress: string },
  ): Promise<void> {
    const { repo, ref } = splitRef(image);
    const q = ref.startsWith('sha256:')
      ? `fromImage=${encodeURIComponent(`${repo}@${ref}`)}`
      : `fromImage=${encodeURIComponent(repo)}&tag=${encodeURIComponent(ref)}`;
    const headers: Record<string, string> = {};
    // URL-safe base64 *with* padding: the engine decodes it with Go's base64.URLEncoding.
    if (auth)
      headers['X-Registry-Auth'] = Buffer.from(JSON.stringify(auth))
        .toString('base64')
        .replace(/\+/g, '-')
        .replace(/\//g, '_');
    const res = await this.raw('POST', `/images/create?${q}`, undefined, headers, 300_000);
    const text = await readAll(res);
    if ((res.statusCode ?? 0) >= 300) {
      let message = text;
      try {
        message = (JSON.parse(text) as { message: string }).message;
      } catch {
        // keep text
      }
      throw new EngineError(res.statusCode ?? 0, message.trim());
    }
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      const ev = JSON.parse(line) as { error?: string };
      if (ev.error) throw new EngineError(500, ev.error);
    }
  }

  async imageExists(image: string): Promise<boolean> {
    try {
      await this.call('GET', `/images/${encodeURIComponent(image)}/json`);
      return true;
    } catch (err) {
      if (err instanceof EngineError && err.status === 404) return false;
      throw err;
    }
  }

  /** Demultiplexes a non-TTY log/attach stream into lines per stream. */
  async follow(id: string, onLine: (line: string, stream: 'stdout' | 'stderr') => void): Promise<void> {
    const res = await this.raw('GET', `/containers/${id}/logs?follow=1&stdout=1&stderr=1`);
    if ((res.statusCode ?? 0) >= 300) {
      await readAll(res);
      return;
    }
    await demux(res, onLine);
  }
}

/** `registry/repo:tag` or `registry/repo@sha256:…` → repo and tag/digest (default tag latest). */
export function splitRef(image: string): { repo: string; ref: string } {
  const at = image.indexOf('@');
  if (at >= 0) return { repo: image.slice(0, at), ref: image.slice(at + 1) };
  const slash = image.lastIndexOf('/');
  const colon = image.lastIndexOf(':');
  if (colon > slash) return { repo: image.slice(0, colon), ref: image.slice(colon + 1) };
  return { repo: image, ref: 'latest' };
}

export function readAll(res: Readable): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.on('error', reject);
  });
}

/** The engine's stream framing: 8-byte header (stream type, 3 zero bytes, big-endian length), then data. */
function demux(res: Readable, onLine: (line: string, stream: 'stdout' | 'stderr') => void): Promise<void> {
  let buf = Buffer.alloc(0);
  const partial = { stdout: '', stderr: '' };
  const emit = (kind: 'stdout' | 'stderr', text: string) => {
    const lines = (partial[kind] + text).split('\n');
    partial[kind] = lines.pop() ?? '';
    for (const l of lines) onLine(l.replace(/\r$/, ''), kind);
  };
  return new Promise((resolve) => {
    res.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      while (buf.length >= 8) {
        const len = buf.readUInt32BE(4);
        if (buf.length < 8 + len) break;
        emit(buf[0] === 2 ? 'stderr' : 'stdout', buf.subarray(8, 8 + len).toString('utf8'));
        buf = buf.subarray(8 + len);
      }
    });
    const done = () => {
      for (const k of ['stdout', 'stderr'] as const) if (partial[k]) onLine(partial[k], k);
      partial.stdout = partial.stderr = '';
      resolve();
    };
    res.on('end', done);
    res.on('close', done);
    res.on('error', done);
  });
}
