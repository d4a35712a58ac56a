// ECR's registry endpoint: the OCI distribution API (v2) on the emulator's own port, so that
// `docker login -u AWS` with the GetAuthorizationToken password, `docker push` and `docker pull` of
// 127.0.0.1:<port>/<repo>:<tag> work. Basic auth only (as ECR), blobs checked by sha256, manifests
// stored through EcrStore.putManifest so pushed images show up in the ECR API and immutable tags hold.
import type http from 'node:http';
import { type EmulatorContext, worldOf } from '../context.js';
import type { FaultError } from '../faults.js';
import { authorizeCalls } from '../iam/authorize.js';
import type { HandlerContext, RawRoute } from '../types.js';
import { DigestMismatchError } from './blobs.js';
import { accepts, isDigest, MEDIA_TYPES } from './manifest.js';
import {
  type EcrStore,
  PushRefused,
  REFUSAL_API_CODES,
  type RegistryToken,
  type Repository,
} from './store.js';

const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
const TAG_RE = /^[\w][\w.-]{0,127}$/;
const ROUTE_RE =
  /^\/v2\/(.+?)\/(blobs\/uploads\/?(.*)|blobs\/([^/]+)|manifests\/([^/]+)|tags\/list|referrers\/([^/]+))$/;

class RegistryError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
    /** The ECR API error code the call log shows, when it differs from the registry's. */
    readonly apiCode?: string,
  ) {
    super(message);
  }
}

/**
 * The ECR API operation a registry request counts as (ECR logs docker pushes and pulls to CloudTrail
 * under these names), so GET /_cendence/calls shows a push as mutating calls. Undefined: not logged.
 */
function operationOf(method: string, pathname: string): string | undefined {
  const m = ROUTE_RE.exec(pathname);
  if (!m) return undefined;
  const [, , kind, , blobDigest, manifestRef] = m;
  if (kind.startsWith('blobs/uploads')) {
    return { POST: 'InitiateLayerUpload', PATCH: 'UploadLayerPart', PUT: 'CompleteLayerUpload' }[method];
  }
  if (blobDigest !== undefined)
    return { HEAD: 'BatchCheckLayerAvailability', GET: 'GetDownloadUrlForLayer' }[method];
  if (manifestRef !== undefined)
    return { PUT: 'PutImage', GET: 'BatchGetImage', HEAD: 'BatchGetImage' }[method];
  // The referrers list is a read; CloudTrail shows it as a DescribeImages-like look-up.
  if (kind.startsWith('referrers/')) return 'ListImageReferrers';
  return undefined;
}

function recordCall(
  ctx: HandlerContext | undefined,
  req: http.IncomingMessage,
  url: URL,
  error?: RegistryError,
): void {
  const calls = (ctx as EmulatorContext | undefined)?.calls;
  const operation = operationOf(req.method ?? 'GET', url.pathname);
  // A presigned layer download is S3's business on AWS: the GetDownloadUrlForLayer call was logged already.
  if (!calls || !ctx || !operation || url.searchParams.has('X-Amz-Signature')) return;
  calls.record({
    service: 'ecr',
    operation,
    time: new Date(ctx.clock.now()).toISOString(),
    wallMs: Date.now(),
    error: error && (error.apiCode ?? error.code),
    accessKeyId: ctx.accessKeyId,
  });
}

/** Registry answers for the injectable faults (POST /_cendence/faults), as ECR's registry words them. */
const FAULT_ANSWERS: Record<FaultError, [number, string, string]> = {
  ThrottlingException: [429, 'TOOMANYREQUESTS', 'Rate exceeded'],
  InternalFailure: [500, 'UNKNOWN', 'An internal error occurred (injected fault).'],
  ServiceUnavailable: [503, 'UNAVAILABLE', 'Service Unavailable (injected fault).'],
  InvalidIdentityToken: [401, 'UNAUTHORIZED', 'authentication required (injected fault).'],
  AccessDeniedException: [403, 'DENIED', 'requested access to the resource is denied (injected fault)'],
};

/**
 * Applies an injected fault matching the request's ECR operation (service "ecr"): latency, a dropped
 * connection (returns true: nothing more to do), or an error thrown as a RegistryError.
 */
async function injectFault(ctx: HandlerContext, req: http.IncomingMessage, url: URL): Promise<boolean> {
  const operation = operationOf(req.method ?? 'GET', url.pathname);
  const fault = operation && (ctx as EmulatorContext).faults?.take('ecr', operation);
  if (!fault) return false;
  if (fault.latencyMs) await new Promise((r) => setTimeout(r, fault.latencyMs));
  if (fault.drop) {
    recordCall(ctx, req, url, new RegistryError(0, 'ConnectionDropped', 'dropped'));
    req.socket.destroy();
    return true;
  }
  if (fault.error) {
    const [status, code, message] = FAULT_ANSWERS[fault.error];
    throw new RegistryError(status, code, message, {}, fault.error);
  }
  return false;
}

function send(
  res: http.ServerResponse,
  status: number,
  headers: Record<string, string | number>,
  body?: Buffer | string,
): void {
  res.writeHead(status, { 'Docker-Distribution-API-Version': 'registry/2.0', ...headers });
  res.end(body);
}

async function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new RegistryError(400, 'SIZE_INVALID', `the request body exceeds ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** The registry route over the store that `storeOf` finds for a request (the emulator world's). */
export function createRegistryRoute(storeOf: (ctx: HandlerContext) => EcrStore): RawRoute {
  return async (req, res, url, ctx?: HandlerContext) => {
    if (url.pathname !== '/v2' && !url.pathname.startsWith('/v2/')) return false;
    try {
      if (!ctx) throw new Error('the registry route needs the emulator context');
      if (await injectFault(ctx, req, url)) return true;
      await serve(storeOf(ctx), ctx, req, res, url);
      recordCall(ctx, req, url);
    } catch (e) {
      const err =
        e instanceof RegistryError
          ? e
          : new RegistryError(500, 'UNKNOWN', `internal error: ${(e as Error).message}`);
      recordCall(ctx, req, url, err);
      if (!res.headersSent) {
        const body = JSON.stringify({ errors: [{ code: err.code, message: err.message, detail: {} }] });
        send(
          res,
          err.status,
          {
            'Content-Type': 'application/json; charset=utf-8',
            'Content-Length': Buffer.byteLength(body),
            ...err.headers,
          },
          req.method === 'HEAD' ? undefined : body,
        );
      } else {
        res.destroy();
      }
      req.resume();
    }
    return true;
  };
}

async function serve(
  store: EcrStore,
  ctx: HandlerContext,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  url: URL,
): Promise<void> {
  const token = presignedBlobGet(store, ctx, req, url) ? undefined : authorize(store, ctx, req);
  const method = req.method ?? 'GET';
  if (url.pathname === '/v2' || url.pathname === '/v2/') {
    send(
      res,
      200,
      { 'Content-Type': 'application/json', 'Content-Length': 2 },
      method === 'HEAD' ? undefined : '{}',
    );
    return;
  }
  const m = ROUTE_RE.exec(url.pathname);
  if (!m)
    throw new RegistryError(404, 'UNSUPPORTED', `the operation ${method} ${url.pathname} is unsupported`);
  const [, name, kind, uploadId, blobDigest, manifestRef, subjectDigest] = m;
  // IAM before existence, as on AWS: a role's token reaches only the repositories its policies allow.
  const action = registryAction(method, kind, uploadId, blobDigest, manifestRef);
  const denial =
    token &&
    authorizeCalls(worldOf(ctx), token.accessKeyId, [{ action, resource: repositoryArn(ctx, name) }]);
  if (denial) throw new RegistryError(403, 'DENIED', denial.message, {}, denial.code);
  const repo = store.repositories.get(name);
  if (!repo) {
    throw new RegistryError(
      404,
      'NAME_UNKNOWN',
      `The repository with name '${name}' does not exist in the registry with id '${ctx.accountId}'`,
    );
  }
  if (kind.startsWith('blobs/uploads')) return upload(store, repo, ctx.clock.now(), req, res, url, uploadId);
  if (blobDigest !== undefined) return blob(store, repo, req, res, blobDigest);
  if (manifestRef !== undefined) return manifest(store, repo, ctx.clock.now(), req, res, manifestRef);
  if (subjectDigest !== undefined) return referrers(repo, req, res, url, subjectDigest);
  return tags(repo, res, url);
}

/** The ECR action a registry request is authorised as (what ECR's IAM documentation lists for docker). */
function registryAction(
  method: string,
  kind: string,
  uploadId: string | undefined,
  blobDigest: string | undefined,
  manifestRef: string | undefined,
): string {
  if (kind.startsWith('blobs/uploads')) {
    if (method === 'POST') return 'ecr:InitiateLayerUpload';
    return method === 'PUT' && uploadId ? 'ecr:CompleteLayerUpload' : 'ecr:UploadLayerPart';
  }
  if (blobDigest !== undefined)
    return method === 'HEAD' ? 'ecr:BatchCheckLayerAvailability' : 'ecr:GetDownloadUrlForLayer';
  if (manifestRef !== undefined) return method === 'PUT' ? 'ecr:PutImage' : 'ecr:BatchGetImage';
  return 'ecr:ListImages';
}

const repositoryArn = (ctx: HandlerContext, name: string) =>
  `arn:aws:ecr:${ctx.region}:${ctx.accountId}:repository/${name}`;

/** Basic auth with `AWS:<password>` from an unexpired GetAuthorizationToken answer; ECR has no anonymous access. */
/** A blob GET carrying a GetDownloadUrlForLayer signature for exactly that blob needs no credentials (like S3's presigned URL). */
function presignedBlobGet(
  store: EcrStore,
  ctx: HandlerContext,
  req: http.IncomingMessage,
  url: URL,
): boolean {
  const signature = url.searchParams.get('X-Amz-Signature');
  const m = ROUTE_RE.exec(url.pathname);
  if (!signature || req.method !== 'GET' || !m || m[4] === undefined) return false;
  return store.checkDownloadSignature(signature, m[1], m[4], ctx.clock.now());
}

function authorize(store: EcrStore, ctx: HandlerContext, req: http.IncomingMessage): RegistryToken {
  const host = req.headers.host ?? '127.0.0.1';
  const challenge = { 'WWW-Authenticate': `Basic realm="http://${host}/",service="ecr.amazonaws.com"` };
  const token = store.authenticate(req.headers.authorization, ctx.clock.now());
  if (token === 'expired') {
    throw new RegistryError(
      403,
      'DENIED',
      'Your authorization token has expired. Reauthenticate and try again.',
    );
  }
  if (!token) throw new RegistryError(401, 'UNAUTHORIZED', 'Not Authorized', challenge);
  return token;
}

function blob(
  store: EcrStore,
  repo: Repository,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  digest: string,
) {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    throw new RegistryError(405, 'UNSUPPORTED', `${req.method} is not supported on blobs`);
  }
  if (!isDigest(digest)) throw new RegistryError(400, 'DIGEST_INVALID', `invalid digest ${digest}`);
  if (!store.hasBlob(repo, digest))
    throw new RegistryError(404, 'BLOB_UNKNOWN', `blob unknown to registry: ${digest}`);
  const headers = {
    'Content-Type': 'application/octet-stream',
    'Content-Length': store.blobs.size(digest)!,
    'Docker-Content-Digest': digest,
    ETag: `"${digest}"`,
  };
  if (req.method === 'HEAD') return send(res, 200, headers);
  res.writeHead(200, { 'Docker-Distribution-API-Version': 'registry/2.0', ...headers });
  store.blobs.stream(digest, repo.name)!.pipe(res);
}

async function upload(
  store: EcrStore,
  repo: Repository,
  now: number,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  url: URL,
  id: string,
): Promise<void> {
  const base = `/v2/${repo.name}/blobs/uploads/`;
  const created = (digest: string) =>
    send(res, 201, {
      Location: `/v2/${repo.name}/blobs/${digest}`,
      'Docker-Content-Digest': digest,
      'Content-Length': 0,
    });
  const accepted = (sessionId: string, size: number) =>
    send(res, 202, {
      Location: `${base}${sessionId}`,
      Range: `0-${Math.max(0, size - 1)}`,
      'Docker-Upload-UUID': sessionId,
      'Content-Length': 0,
    });
  const finish = (session: ReturnType<EcrStore['blobs']['startUpload']>, digest: string | null) => {
    if (!digest || !isDigest(digest)) {
      store.blobs.cancel(session.id);
      throw new RegistryError(400, 'DIGEST_INVALID', `invalid digest ${digest ?? '(missing)'}`);
    }
    try {
      store.blobs.finish(session, digest);
    } catch (e) {
      if (e instanceof DigestMismatchError) throw new RegistryError(400, 'DIGEST_INVALID', e.message);
      throw e;
    }
    store.linkBlob(repo, digest);
    created(digest);
  };

  if (req.method === 'POST' && id === '') {
    const mount = url.searchParams.get('mount');
    const from = url.searchParams.get('from');
    if (mount && from) {
      const source = store.repositories.get(from);
      if (source && store.hasBlob(source, mount)) {
        store.linkBlob(repo, mount);
        req.resume();
        return created(mount);
      }
    }
    const session = store.blobs.startUpload(repo.name, now);
    const digest = url.searchParams.get('digest');
    if (digest !== null) {
      // Monolithic upload: the whole blob in the POST body.
      for await (const chunk of req) store.blobs.append(session, chunk as Buffer);
      return finish(session, digest);
    }
    req.resume();
    return accepted(session.id, 0);
  }

  const session = store.blobs.upload(id);
  if (!session || session.repository !== repo.name) {
    throw new RegistryError(404, 'BLOB_UPLOAD_UNKNOWN', `blob upload unknown to registry: ${id}`);
  }
  switch (req.method) {
    case 'GET':
      return send(res, 204, {
        Location: `${base}${session.id}`,
        Range: `0-${Math.max(0, session.size - 1)}`,
        'Docker-Upload-UUID': session.id,
        'Content-Length': 0,
      });
    case 'DELETE':
      store.blobs.cancel(session.id);
      return send(res, 204, { 'Content-Length': 0 });
    case 'PATCH':
    case 'PUT': {
      const range = /^(\d+)-(\d+)$/.exec(String(req.headers['content-range'] ?? ''));
      if (range && Number(range[1]) !== session.size) {
        throw new RegistryError(
          416,
          'BLOB_UPLOAD_INVALID',
          `the chunk starts at ${range[1]}, expected ${session.size}`,
          {
            Range: `0-${Math.max(0, session.size - 1)}`,
          },
        );
      }
      for await (const chunk of req) store.blobs.append(session, chunk as Buffer);
      if (req.method === 'PATCH') return accepted(session.id, session.size);
      return finish(session, url.searchParams.get('digest'));
    }
    default:
      throw new RegistryError(405, 'UNSUPPORTED', `${req.method} is not supported on uploads`);
  }
}

async function manifest(
  store: EcrStore,
  repo: Repository,
  now: number,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  ref: string,
): Promise<void> {
  const byDigest = isDigest(ref);
  if (req.method === 'PUT') {
    if (!byDigest && !TAG_RE.test(ref)) throw new RegistryError(400, 'TAG_INVALID', `invalid tag ${ref}`);
    const raw = await readBody(req, MAX_MANIFEST_BYTES);
    try {
      const { image } = store.putManifest(repo, raw, {
        mediaType: req.headers['content-type']?.split(';')[0].trim(),
        tag: byDigest ? undefined : ref,
        digest: byDigest ? ref : undefined,
        now,
        via: 'registry',
      });
      return send(res, 201, {
        Location: `/v2/${repo.name}/manifests/${image.digest}`,
        'Docker-Content-Digest': image.digest,
        // OCI 1.1: the registry indexed the subject, so clients need no fallback referrers tag.
        ...(image.parsed.subjectDigest ? { 'OCI-Subject': image.parsed.subjectDigest } : {}),
        'Content-Length': 0,
      });
    } catch (e) {
      if (!(e instanceof PushRefused)) throw e;
      const code = {
        TAG_IMMUTABLE: 'TAG_INVALID',
        IMAGE_EXISTS: 'TAG_INVALID',
        BLOB_UNKNOWN: 'MANIFEST_BLOB_UNKNOWN',
        REFERENCED_IMAGE_UNKNOWN: 'MANIFEST_BLOB_UNKNOWN',
        MANIFEST_INVALID: 'MANIFEST_INVALID',
        DIGEST_MISMATCH: 'DIGEST_INVALID',
      }[e.reason];
      throw new RegistryError(400, code, e.message, {}, REFUSAL_API_CODES[e.reason]);
    }
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    throw new RegistryError(
      405,
      'UNSUPPORTED',
      `${req.method} is not supported on manifests; use BatchDeleteImage`,
    );
  }
  const image = store.findImage(repo, byDigest ? { imageDigest: ref } : { imageTag: ref });
  if (!image) {
    throw new RegistryError(
      404,
      'MANIFEST_UNKNOWN',
      `Requested image not found: ${repo.name}${byDigest ? '@' : ':'}${ref}`,
    );
  }
  if (!accepts(req.headers.accept, image.mediaType)) {
    throw new RegistryError(
      404,
      'MANIFEST_UNKNOWN',
      `${image.mediaType} manifest found, but the accept header does not support it`,
    );
  }
  const headers = {
    'Content-Type': image.mediaType,
    'Content-Length': image.manifest.length,
    'Docker-Content-Digest': image.digest,
    ETag: `"${image.digest}"`,
  };
  if (req.method === 'HEAD') return send(res, 200, headers);
  image.lastPulledAt = now;
  send(res, 200, headers, image.manifest);
}

function tags(repo: Repository, res: http.ServerResponse, url: URL): void {
  const all = [...repo.tags.keys()].sort();
  const last = url.searchParams.get('last');
  const n = url.searchParams.has('n') ? Number(url.searchParams.get('n')) : undefined;
  const after = last === null ? all : all.filter((t) => t > last);
  const pageTags = n !== undefined && n >= 0 ? after.slice(0, n) : after;
  const headers: Record<string, string | number> = { 'Content-Type': 'application/json' };
  if (n !== undefined && pageTags.length < after.length && pageTags.length > 0) {
    headers.Link = `</v2/${repo.name}/tags/list?n=${n}&last=${encodeURIComponent(pageTags.at(-1)!)}>; rel="next"`;
  }
  const body = JSON.stringify({ name: repo.name, tags: pageTags });
  send(res, 200, { ...headers, 'Content-Length': Buffer.byteLength(body) }, body);
}

/**
 * OCI 1.1 referrers API: an image index listing the manifests whose `subject` is `digest` (an unknown
 * subject gives an empty list, not 404), each with its artifactType and annotations; `artifactType=`
 * filters, and says so in OCI-Filters-Applied.
 */
function referrers(
  repo: Repository,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  url: URL,
  digest: string,
): void {
  if (req.method !== 'GET')
    throw new RegistryError(405, 'UNSUPPORTED', `${req.method} is not supported on referrers`);
  if (!isDigest(digest)) throw new RegistryError(400, 'DIGEST_INVALID', `invalid digest ${digest}`);
  const wanted = url.searchParams.get('artifactType');
  const manifests = [...repo.images.values()]
    .filter((i) => i.parsed.subjectDigest === digest)
    .map((i) => {
      const doc = JSON.parse(i.manifest.toString('utf8')) as {
        artifactType?: string;
        annotations?: Record<string, string>;
      };
      return {
        mediaType: i.mediaType,
        digest: i.digest,
        size: i.manifest.length,
        artifactType: doc.artifactType ?? i.parsed.artifactMediaType,
        ...(doc.annotations ? { annotations: doc.annotations } : {}),
      };
    })
    .filter((d) => !wanted || d.artifactType === wanted);
  const body = JSON.stringify({ schemaVersion: 2, mediaType: MEDIA_TYPES.ociIndex, manifests });
  send(
    res,
    200,
    {
      'Content-Type': MEDIA_TYPES.ociIndex,
      'Content-Length': Buffer.byteLength(body),
      ...(wanted ? { 'OCI-Filters-Applied': 'artifactType' } : {}),
    },
    body,
  );
}
