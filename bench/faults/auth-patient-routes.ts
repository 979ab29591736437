/**
 * Every route by which one patient could reach another's record through the FHIR gateway, with the answer the
 * gateway documents (gateway/README.md "Other people's data"): 403 `CC_ERR_FORBIDDEN` where the chaincode refuses,
 * 403 `GW_INSUFFICIENT_SCOPE` where the token's scopes already do, 400 for ids and parameters that are not FHIR,
 * 404 for routes that do not exist. Absent ids answer like present ones, so existence does not leak.
 */
import { ATTACKER_PATIENT_ID, VICTIM_PATIENT_ID, type AuthFixtures } from './auth-fixtures.js';
import type { HttpExpectation } from './auth-evidence.js';
import type { HttpRequest } from './auth-stack.js';

export interface RouteAttack {
  name: string;
  request: Omit<HttpRequest, 'token'>;
  expected: HttpExpectation;
  /** A further fact about a 2xx body, e.g. that a batch-response refused every entry. */
  bodyHolds?: (body: string) => boolean;
}

interface BundleBody {
  entry?: { response?: { status?: string }; resource?: { meta?: { versionId?: string } } }[];
}
const entriesOf = (body: string): NonNullable<BundleBody['entry']> =>
  (JSON.parse(body) as BundleBody).entry ?? [];

const FORBIDDEN: HttpExpectation = { status: 403, code: 'CC_ERR_FORBIDDEN' };
const BAD_PARAMETER: HttpExpectation = { status: 400, code: ['GW_INVALID_PARAMETER', 'GW_INVALID_ID'] };
const NO_ROUTE: HttpExpectation = {
  status: [404, 405],
  code: ['GW_ROUTE_NOT_FOUND', 'GW_METHOD_NOT_ALLOWED'],
};

/** The ledger key where the victim's Observations start in the patient index (chaincode/keys.ts), as a page token. */
export function forgedPageToken(patientId: string, resourceType: string): string {
  const ledgerKey = `\u0000patient~type~id\u0000${patientId}\u0000${resourceType}\u0000`;
  const chaincodeBookmark = Buffer.from(ledgerKey, 'utf8').toString('base64url');
  return `b1.${Buffer.from(chaincodeBookmark, 'utf8').toString('base64url')}`;
}

export function patientRouteAttacks(fixtures: AuthFixtures): RouteAttack[] {
  const victim = VICTIM_PATIENT_ID;
  const observation = fixtures.victimObservationId;
  const [family = '', given = '', birthDate = '', mrn = ''] = fixtures.phi;
  const get = (
    name: string,
    path: string,
    expected: HttpExpectation,
    headers?: Record<string, string>,
  ): RouteAttack => ({
    name,
    request: { method: 'GET', path, ...(headers === undefined ? {} : { headers }) },
    expected,
  });
  const batch = (type: string, entry: unknown[]): unknown => ({ resourceType: 'Bundle', type, entry });
  const hijack = { resourceType: 'Patient', id: victim, name: [{ family: 'Hijacked' }] };
  return [
    // read, with id spellings that must not reach another record
    get('read the victim’s Patient', `/fhir/Patient/${victim}`, FORBIDDEN),
    get('read the victim’s Observation', `/fhir/Observation/${observation}`, FORBIDDEN),
    get('read an absent Patient (same answer as a present one)', '/fhir/Patient/patient-999', FORBIDDEN),
    get('read with the id upper-cased', `/fhir/Patient/${victim.toUpperCase()}`, FORBIDDEN),
    get(
      'read with the Observation id upper-cased',
      `/fhir/Observation/${observation.toUpperCase()}`,
      FORBIDDEN,
    ),
    get(
      'read with the id percent-encoded',
      `/fhir/Patient/${Buffer.from(victim).toString('hex').replace(/../g, '%$&')}`,
      FORBIDDEN,
    ),
    get('read with a trailing slash', `/fhir/Patient/${victim}/`, {
      status: [403, 404],
      code: ['CC_ERR_FORBIDDEN', 'GW_ROUTE_NOT_FOUND'],
    }),
    get('read with a comma list of ids', `/fhir/Patient/${ATTACKER_PATIENT_ID},${victim}`, {
      status: 400,
      code: 'GW_INVALID_ID',
    }),
    get(
      'read with an encoded slash (own/../victim)',
      `/fhir/Patient/${ATTACKER_PATIENT_ID}%2F..%2F${victim}`,
      { status: 400, code: 'GW_INVALID_ID' },
    ),
    get(
      'read the victim’s Patient with _id= the attacker’s',
      `/fhir/Patient/${victim}?_id=${ATTACKER_PATIENT_ID}`,
      FORBIDDEN,
    ),
    get(
      'read of the attacker’s Patient with _id= the victim’s (ignored, own record)',
      `/fhir/Patient/${ATTACKER_PATIENT_ID}?_id=${victim}`,
      { status: 200 },
    ),
    get('vread (/_history/1) of the victim’s Patient', `/fhir/Patient/${victim}/_history/1`, NO_ROUTE),
    get('conditional read (If-None-Match) of the victim’s Patient', `/fhir/Patient/${victim}`, FORBIDDEN, {
      'if-none-match': 'W/"1"',
    }),
    get('conditional read (If-Modified-Since)', `/fhir/Patient/${victim}`, FORBIDDEN, {
      'if-modified-since': 'Thu, 01 Jan 1970 00:00:00 GMT',
    }),
    // search: every parameter that could select the victim's compartment
    get('search ?patient=victim', `/fhir/Observation?patient=${victim}`, FORBIDDEN),
    get('search ?patient=Patient/victim', `/fhir/Observation?patient=Patient%2F${victim}`, FORBIDDEN),
    get('search ?patient= upper-cased id', `/fhir/Observation?patient=${victim.toUpperCase()}`, FORBIDDEN),
    get(
      'search ?patient= absolute URL',
      `/fhir/Observation?patient=http%3A%2F%2F127.0.0.1%2Ffhir%2FPatient%2F${victim}`,
      BAD_PARAMETER,
    ),
    get(
      'search ?patient=own&patient=victim',
      `/fhir/Observation?patient=${ATTACKER_PATIENT_ID}&patient=${victim}`,
      BAD_PARAMETER,
    ),
    get(
      'search ?patient=own,victim',
      `/fhir/Observation?patient=${ATTACKER_PATIENT_ID},${victim}`,
      BAD_PARAMETER,
    ),
    get(
      'search ?subject=Patient/victim (research query: refused)',
      `/fhir/Observation?subject=Patient%2F${victim}`,
      FORBIDDEN,
    ),
    get('search ?subject:Patient=victim', `/fhir/Observation?subject:Patient=${victim}`, FORBIDDEN),
    get('search Patient?_id=victim', `/fhir/Patient?_id=${victim}`, FORBIDDEN),
    get(
      'search Patient?identifier=<victim MRN>',
      `/fhir/Patient?identifier=${encodeURIComponent(mrn)}`,
      FORBIDDEN,
    ),
    get(
      'search Patient?name=&birthdate=<victim’s>',
      `/fhir/Patient?name=${family}&given=${given}&birthdate=${birthDate}`,
      FORBIDDEN,
    ),
    get('search Observation?code= (research query)', '/fhir/Observation?code=8480-6', FORBIDDEN),
    get(
      'search own compartment with a page token forged into the victim’s',
      `/fhir/Observation?patient=${ATTACKER_PATIENT_ID}&_page_token=${forgedPageToken(victim, 'Observation')}`,
      { status: 400, code: 'CC_ERR_INVALID_ARGUMENT' },
    ),
    get(
      'search own compartment with _include/_revinclude of subjects',
      `/fhir/Observation?patient=${ATTACKER_PATIENT_ID}&_include=Observation:subject&_revinclude=Observation:subject`,
      { status: 200 },
    ),
    get('$everything of the victim', `/fhir/Patient/${victim}/$everything`, FORBIDDEN),
    get(
      '$everything of the attacker (holds the record moved from the victim)',
      `/fhir/Patient/${ATTACKER_PATIENT_ID}/$everything`,
      { status: 200 },
    ),
    {
      name: 'POST _search with patient=victim in the body',
      request: {
        method: 'POST',
        path: '/fhir/Observation/_search',
        body: `patient=${victim}`,
        contentType: 'application/x-www-form-urlencoded',
      },
      expected: {
        status: [404, 405, 415],
        code: ['GW_ROUTE_NOT_FOUND', 'GW_METHOD_NOT_ALLOWED', 'GW_UNSUPPORTED_MEDIA_TYPE'],
      },
    },
    // history
    get('history of the victim’s Patient', `/fhir/Patient/${victim}/_history`, FORBIDDEN),
    get('history of the victim’s Observation', `/fhir/Observation/${observation}/_history`, FORBIDDEN),
    get(
      'history of an absent Observation (same answer as a present one)',
      '/fhir/Observation/obs-none/_history',
      FORBIDDEN,
    ),
    {
      ...get(
        'history of the record moved from the victim to the attacker (own versions only)',
        `/fhir/Observation/${fixtures.moved.first.id ?? ''}/_history`,
        { status: 200 },
      ),
      // Version 1 was filed under the victim; only version 2, the attacker's own, may be shown.
      bodyHolds: (body) =>
        entriesOf(body)
          .map((entry) => entry.resource?.meta?.versionId)
          .join() === '2',
    },
    // writes and batches
    {
      name: 'PUT over the victim’s Patient',
      request: { method: 'PUT', path: `/fhir/Patient/${victim}`, body: hijack },
      expected: FORBIDDEN,
    },
    {
      name: 'PATCH the victim’s address',
      request: {
        method: 'PATCH',
        path: `/fhir/Patient/${victim}`,
        body: [{ op: 'replace', path: '/address', value: [{ city: 'Elsewhere' }] }],
        contentType: 'application/json-patch+json',
      },
      expected: FORBIDDEN,
    },
    {
      name: 'POST an Observation into the victim’s compartment',
      request: {
        method: 'POST',
        path: '/fhir/Observation',
        body: {
          resourceType: 'Observation',
          status: 'final',
          code: { text: 'x' },
          subject: { reference: `Patient/${victim}` },
        },
      },
      expected: { status: 403, code: 'GW_INSUFFICIENT_SCOPE' },
    },
    {
      name: 'conditional create (If-None-Exist: identifier=<victim MRN>)',
      request: {
        method: 'POST',
        path: '/fhir/Patient',
        body: { resourceType: 'Patient' },
        headers: { 'if-none-exist': `identifier=${mrn}` },
      },
      expected: FORBIDDEN,
    },
    {
      name: 'conditional update (PUT Patient?identifier=)',
      request: { method: 'PUT', path: `/fhir/Patient?identifier=${encodeURIComponent(mrn)}`, body: hijack },
      expected: NO_ROUTE,
    },
    {
      name: 'batch Bundle: PUT over the victim’s Patient',
      request: {
        method: 'POST',
        path: '/fhir',
        body: batch('batch', [{ resource: hijack, request: { method: 'PUT', url: `Patient/${victim}` } }]),
      },
      expected: FORBIDDEN,
    },
    {
      name: 'batch Bundle: GET entries for the victim’s records (not served by batches)',
      request: {
        method: 'POST',
        path: '/fhir',
        body: batch('batch', [
          { request: { method: 'GET', url: `Patient/${victim}` } },
          { request: { method: 'GET', url: `Observation?patient=${victim}` } },
          { request: { method: 'GET', url: `Patient/${victim}/_history` } },
        ]),
      },
      expected: { status: 200 },
      bodyHolds: (body) => {
        const entries = entriesOf(body);
        return entries.length === 3 && entries.every((entry) => /^4/.test(entry.response?.status ?? ''));
      },
    },
    {
      name: 'transaction Bundle: GET and PUT on the victim',
      request: {
        method: 'POST',
        path: '/fhir',
        body: batch('transaction', [
          { request: { method: 'GET', url: `Patient/${victim}` } },
          { resource: hijack, request: { method: 'PUT', url: `Patient/${victim}` } },
        ]),
      },
      expected: { status: 422, code: 'GW_UNPROCESSABLE' },
    },
  ];
}
