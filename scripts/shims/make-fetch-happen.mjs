// Stands in for make-fetch-happen inside the action bundles (scripts/bundle.mjs aliases it here).
// Its only users there are sigstore's signing client (@sigstore/sign: Fulcio, Rekor, TSA requests, which
// retries on its own and passes `retry: false`) and its CI identity look-up (`retry: 2`). What they use of
// it is fetch(url, { method, headers, body, timeout, retry }) → a WHATWG Response, which Node's own
// fetch gives; the npm HTTP cache, proxy agents and the charset converters that come with the real
// package (about 0.7 MB of the push bundle: cacache, iconv-lite, minipass-fetch, socks, …) go unused.
// Differences kept small on purpose: `timeout` bounds the whole request (make-fetch-happen: each
// socket read); HTTP(S)_PROXY is not read on Node 20/22 (Node's fetch honours it from Node 24 with
// NODE_USE_ENV_PROXY=1).

/** Statuses make-fetch-happen retries: request timeout, too many requests, server errors. */
const RETRYABLE = (status) => status === 408 || status === 429 || status >= 500;

function attempts(retry) {
  if (typeof retry === 'number') return retry + 1;
  if (retry && typeof retry === 'object') return (retry.retries ?? 0) + 1;
  return 1;
}

export default async function fetchLike(url, options = {}) {
  const { method = 'GET', headers, body, timeout, retry } = options;
  const tries = attempts(retry);
  for (let attempt = 1; ; attempt++) {
    try {
      const res = await fetch(url, {
        method,
        headers,
        body,
        ...(timeout ? { signal: AbortSignal.timeout(timeout) } : {}),
      });
      if (attempt < tries && RETRYABLE(res.status)) {
        await res.body?.cancel();
      } else {
        return res;
      }
    } catch (err) {
      if (attempt >= tries) throw err;
    }
    // make-fetch-happen's default backoff starts at 1 s; a CI identity request rarely needs more.
    await new Promise((r) => setTimeout(r, 1000 * attempt));
  }
}
