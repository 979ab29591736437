/**
 * Which layer of the stack a failed request's code comes from, and what it means for the client, so a load report
 * explains its failures instead of counting statuses. Codes are the gateway's OperationOutcome codes (gateway/
 * failure.ts), the ledger client's (ledger-client/ledger-error.ts, passed through) and the chaincode's CC_ERR_*.
 */
const LAYERS: readonly { match: RegExp; layer: string; meaning: string }[] = [
  {
    match: /^no-response$/,
    layer: 'client ↔ gateway',
    meaning: 'no answer before k6 gave up (timeout, refused or reset connection)',
  },
  {
    match: /^GW_OVERLOADED$/,
    layer: 'gateway back-pressure',
    meaning: 'in-flight and queue limits reached: 503 + Retry-After, nothing sent to the ledger',
  },
  {
    match: /^GW_DEADLINE_EXCEEDED$/,
    layer: 'gateway deadline',
    meaning: 'the ledger did not answer within --request-timeout-ms; a write may still commit',
  },
  {
    match:
      /^GW_(INVALID_GRANT|UNAUTHENTICATED|INVALID_TOKEN|INSUFFICIENT_SCOPE|NO_LEDGER_IDENTITY|ROLE_NOT_ALLOWED)$/,
    layer: 'gateway auth',
    meaning: 'login or token refused',
  },
  {
    match: /^GW_VERSION_MISMATCH$/,
    layer: 'gateway (If-Match)',
    meaning: 'the record changed since it was read',
  },
  { match: /^GW_/, layer: 'gateway', meaning: 'request refused by the gateway' },
  {
    match: /^(MVCC_READ_CONFLICT|PHANTOM_READ_CONFLICT)$/,
    layer: 'Fabric validation',
    meaning: 'another transaction changed what this one read; retries exhausted',
  },
  {
    match: /^(LEDGER_UNAVAILABLE|UNAVAILABLE)$/,
    layer: 'peer',
    meaning: 'the peer could not be reached or did not answer in time',
  },
  {
    match: /^ENDORSE_FAILED$/,
    layer: 'peer endorsement',
    meaning: 'endorsement failed without a chaincode error',
  },
  {
    match: /^(SUBMIT_FAILED|COMMIT_STATUS_UNKNOWN)$/,
    layer: 'orderer / commit',
    meaning: 'outcome unknown: read the record before retrying',
  },
  { match: /^COMMIT_FAILED$/, layer: 'Fabric validation', meaning: 'committed as invalid' },
  { match: /^CC_ERR_/, layer: 'chaincode', meaning: 'the EHR contract refused the transaction' },
];

export function failureLayer(code: string): { layer: string; meaning: string } {
  const known = LAYERS.find((entry) => entry.match.test(code));
  return known ?? { layer: 'unknown', meaning: 'the answer carried no OperationOutcome code' };
}
