// AWS errors by name. The SDK sets an error's `name` to the service's error code, so a check by name works
// for every client, including those loaded on first use (no class to import), and reads as the AWS docs do.

/**
 * What ECS answers where a newer API (service deployments and revisions) is not offered: the caller can
 * do without it. Anything else — AccessDenied, throttling past the retries — is a real failure.
 */
export const API_UNAVAILABLE = ['UnsupportedFeatureException', 'InvalidParameterException'];

/** True when `err` is an AWS error with one of these names (e.g. 'ResourceNotFoundException'). */
export function isAwsError(err: unknown, ...names: string[]): err is Error & { name: string } {
  return err instanceof Error && names.includes(err.name);
}
