/**
 * k6's duration syntax (`30s`, `1m30s`, `500ms`), checked on the Node side before a value reaches k6 — by
 * `fhirledger load --duration` and `fhirledger demo --smoke-duration`. (The k6 scripts check their own `__ENV` in
 * loadtests/lib/config.ts: k6's runtime cannot import this module.)
 */
const K6_DURATION = /^(\d+(\.\d+)?(ms|s|m|h))+$/;

export function isK6Duration(text: string): boolean {
  return K6_DURATION.test(text);
}
