/**
 * The `msp/config.yaml` every org MSP folder needs: it turns on NodeOUs, which is what makes a CA-enrolled
 * identity of type `client` match `Org1MSP.client` in the Writers policy of configtx.ts (and `peer`, `admin`,
 * `orderer` likewise). Without it the roles in those policies match nobody. Written as JSON, which is valid YAML.
 */

/** Where the CA's root certificate sits inside an MSP folder; NodeOU identifiers are relative to the MSP root. */
export const MSP_CA_CERT = 'cacerts/ca-cert.pem';

export const NODE_OU_ROLES = ['client', 'peer', 'admin', 'orderer'] as const;

const IDENTIFIER_KEYS: Record<(typeof NODE_OU_ROLES)[number], string> = {
  client: 'ClientOUIdentifier',
  peer: 'PeerOUIdentifier',
  admin: 'AdminOUIdentifier',
  orderer: 'OrdererOUIdentifier',
};

export interface MspConfig {
  NodeOUs: { Enable: true } & Record<string, unknown>;
}

export function buildMspConfig(caCert = MSP_CA_CERT): MspConfig {
  const nodeOUs: MspConfig['NodeOUs'] = { Enable: true };
  for (const role of NODE_OU_ROLES) {
    // fabric-ca puts the identity type (--id.type) into the certificate's OU, which is what these match.
    nodeOUs[IDENTIFIER_KEYS[role]] = { Certificate: caCert, OrganizationalUnitIdentifier: role };
  }
  return { NodeOUs: nodeOUs };
}

export function renderMspConfigYaml(caCert = MSP_CA_CERT): string {
  return `${JSON.stringify(buildMspConfig(caCert), null, 2)}\n`;
}
