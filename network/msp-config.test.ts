import assert from 'node:assert/strict';
import { renderMspConfigYaml } from './msp-config.js';

describe('msp/config.yaml', () => {
  it('enables NodeOUs for client, peer, admin and orderer against the CA certificate', () => {
    assert.deepEqual(JSON.parse(renderMspConfigYaml()), {
      NodeOUs: {
        Enable: true,
        ClientOUIdentifier: { Certificate: 'cacerts/ca-cert.pem', OrganizationalUnitIdentifier: 'client' },
        PeerOUIdentifier: { Certificate: 'cacerts/ca-cert.pem', OrganizationalUnitIdentifier: 'peer' },
        AdminOUIdentifier: { Certificate: 'cacerts/ca-cert.pem', OrganizationalUnitIdentifier: 'admin' },
        OrdererOUIdentifier: { Certificate: 'cacerts/ca-cert.pem', OrganizationalUnitIdentifier: 'orderer' },
      },
    });
  });

  it('points at another CA certificate when told to', () => {
    const config = JSON.parse(renderMspConfigYaml('cacerts/localhost-7020.pem')) as {
      NodeOUs: { PeerOUIdentifier: { Certificate: string } };
    };
    assert.equal(config.NodeOUs.PeerOUIdentifier.Certificate, 'cacerts/localhost-7020.pem');
  });
});
