/**
 * GET /fhir/metadata: a CapabilityStatement generated from the route table, so it says exactly what is served —
 * generic type routes apply to every R4 type, type-only routes (PATCH, $everything) only to their type, and the
 * rest are system interactions.
 */
import { R4_RESOURCE_TYPES } from './r4-resource-types.js';
import type { FhirRoute } from './fhir-routes.js';

const SYSTEM_INTERACTIONS = new Set(['batch', 'transaction', 'history-system', 'search-system']);

export function capabilityStatement(routes: readonly FhirRoute[], baseUrl: string, version: string) {
  const typeRoutes = (type: string) =>
    routes.filter(
      (route) =>
        !SYSTEM_INTERACTIONS.has(route.interaction) &&
        route.interaction !== 'capabilities' &&
        (route.onlyType === undefined ? route.url.startsWith('/fhir/:type') : route.onlyType === type),
    );
  const resource = [...R4_RESOURCE_TYPES].map((type) => {
    const served = typeRoutes(type);
    const interactions = [
      ...new Set(served.filter((route) => route.interaction !== 'operation').map((r) => r.interaction)),
    ];
    const searchParam = served.flatMap((route) => route.searchParams ?? []);
    const operation = served
      .filter((route) => route.operation !== undefined)
      .map((route) => ({
        name: route.operation ?? '',
        definition: `http://hl7.org/fhir/OperationDefinition/${type}-${route.operation ?? ''}`,
      }));
    return {
      type,
      interaction: interactions.map((code) => ({ code })),
      versioning: 'versioned-update',
      readHistory: false,
      updateCreate: served.some((route) => route.interaction === 'update'),
      conditionalCreate: false,
      conditionalUpdate: false,
      conditionalDelete: 'not-supported',
      ...(searchParam.length > 0 ? { searchParam } : {}),
      ...(operation.length > 0 ? { operation } : {}),
    };
  });
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: new Date().toISOString(),
    kind: 'instance',
    software: { name: 'fhirledger gateway', version },
    implementation: {
      description: 'FHIR R4 subset over a Hyperledger Fabric ledger; writes answer after commit',
      url: `${baseUrl}/fhir`,
    },
    fhirVersion: '4.0.1',
    format: ['application/fhir+json', 'application/json'],
    patchFormat: ['application/json-patch+json'],
    rest: [
      {
        mode: 'server',
        security: {
          service: [
            {
              coding: [
                {
                  system: 'http://terminology.hl7.org/CodeSystem/restful-security-service',
                  code: 'SMART-on-FHIR',
                },
              ],
            },
          ],
          extension: [
            {
              url: 'http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris',
              extension: [{ url: 'token', valueUri: `${baseUrl}/auth/token` }],
            },
          ],
        },
        resource,
        interaction: routes
          .filter((route) => SYSTEM_INTERACTIONS.has(route.interaction))
          .map((route) => ({ code: route.interaction })),
      },
    ],
  };
}
