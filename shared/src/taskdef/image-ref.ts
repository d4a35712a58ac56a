// Container image references: "registry/repo:tag", "repo@sha256:…". Parsed once here so render (pinning
// check) and verify (ECR look-up) agree on what a reference means.

export interface ImageRef {
  /** Registry host, with port when there is one: "123456789012.dkr.ecr.eu-west-3.amazonaws.com", "127.0.0.1:4566". */
  registry?: string;
  repository: string;
  tag?: string;
  /** "sha256:<64 hex>" */
  digest?: string;
}

const DIGEST = /^sha256:[a-f0-9]{64}$/;
const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;

/** Parses an image reference; undefined when it is not one (spaces, placeholders, bad digest). */
export function parseImageRef(ref: string): ImageRef | undefined {
  if (!ref || /\s/.test(ref)) return undefined;
  let name = ref;
  let digest: string | undefined;
  const at = ref.indexOf('@');
  if (at >= 0) {
    digest = ref.slice(at + 1);
    name = ref.slice(0, at);
    if (!DIGEST.test(digest)) return undefined;
  }
  let tag: string | undefined;
  const colon = name.lastIndexOf(':');
  if (colon > name.lastIndexOf('/')) {
    tag = name.slice(colon + 1);
    name = name.slice(0, colon);
    if (!TAG.test(tag)) return undefined;
  }
  const parts = name.split('/');
  let registry: string | undefined;
  if (parts.length > 1 && /[.:]|^localhost$/.test(parts[0])) registry = parts.shift();
  if (parts.length === 0 || !parts.every((p) => COMPONENT.test(p))) return undefined;
  return {
    ...(registry ? { registry } : {}),
    repository: parts.join('/'),
    ...(tag ? { tag } : {}),
    ...(digest ? { digest } : {}),
  };
}

export interface EcrRegistry {
  /** The AWS account id, when the host names one (real ECR); undefined for the local emulator. */
  accountId?: string;
  region?: string;
}

/** ECR registry facts from a host, or undefined when the host is not ECR (Docker Hub, GHCR, …). */
export function ecrRegistry(host: string | undefined): EcrRegistry | undefined {
  if (!host) return undefined;
  const m = /^(\d{12})\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/.exec(host);
  if (m) return { accountId: m[1], region: m[2] };
  // The emulator serves its registry on a loopback address.
  if (/^(127\.0\.0\.1|localhost)(:\d+)?$/.test(host)) return {};
  return undefined;
}
