// Stands in for the `sigstore` package inside the action bundles (scripts/bundle.mjs aliases it here).
// The shipped code only signs (`attest`); the package's entry also loads its verifier's TUF client
// (@sigstore/tuf, tuf-js, minimatch: ~0.1 MB) at import. This file exposes `attest` built from the
// package's own bundle-builder configuration, so signing behaves exactly as with the package entry.
// Anything else imported from 'sigstore' by shipped code fails the bundle build (no such export).
import { bundleToJSON } from '@sigstore/bundle';
import { createBundleBuilder } from '../../node_modules/sigstore/dist/config.js';

export async function attest(payload, payloadType, options = {}) {
  const builder = createBundleBuilder('dsseEnvelope', options);
  return bundleToJSON(await builder.create({ data: payload, type: payloadType }));
}
