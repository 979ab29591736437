import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import type * as grpc from '@grpc/grpc-js';
import {
  DEFAULT_DEADLINES_MS,
  PeerClients,
  connectIdentity,
  deadlineOptions,
  grpcChannelOptions,
  newGrpcClient,
} from './connection.js';

// No peer runs here: gRPC clients connect lazily, so these tests build real clients and gateways without dialling.
const endpoint = {
  address: '127.0.0.1:7051',
  tlsRootCertPem: 'unused-until-connect',
  hostAlias: 'peer0.org1.example.com',
};

describe('connection', () => {
  it('keeps keepalive pings at least 60 s apart and sets the TLS host alias', () => {
    const options = grpcChannelOptions(endpoint);
    assert.ok((options['grpc.keepalive_time_ms'] as number) >= 60_000);
    assert.equal(options['grpc.ssl_target_name_override'], 'peer0.org1.example.com');
    assert.equal(
      grpcChannelOptions({ ...endpoint, hostAlias: undefined })['grpc.ssl_target_name_override'],
      undefined,
    );
  });

  it('gives each call type its own fresh deadline: evaluate 5 s, endorse 15 s, submit 5 s, commit status 60 s', () => {
    let now = 1_000;
    const options = deadlineOptions(DEFAULT_DEADLINES_MS, () => now);
    const deadlineOf = (make: (() => grpc.CallOptions) | undefined): unknown => make?.().deadline;
    assert.equal(deadlineOf(options.evaluateOptions), 6_000);
    assert.equal(deadlineOf(options.endorseOptions), 16_000);
    assert.equal(deadlineOf(options.submitOptions), 6_000);
    assert.equal(deadlineOf(options.commitStatusOptions), 61_000);
    now = 2_000;
    assert.equal(deadlineOf(options.evaluateOptions), 7_000);
  });

  it('shares one gRPC client per peer address', () => {
    const clients = new PeerClients();
    try {
      const a = clients.clientFor(endpoint);
      assert.equal(clients.clientFor({ ...endpoint }), a);
      assert.notEqual(clients.clientFor({ ...endpoint, address: '127.0.0.1:9051' }), a);
    } finally {
      clients.close();
    }
  });

  it('connects an identity from a certificate and private key without dialling', () => {
    const client = newGrpcClient(endpoint);
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const pem = privateKey.export({ format: 'pem', type: 'pkcs8' });
    const certificatePem =
      '-----BEGIN CERTIFICATE-----\nnot parsed by the client\n-----END CERTIFICATE-----\n';
    const gateway = connectIdentity(client, { mspId: 'Org1MSP', certificatePem, privateKeyPem: pem });
    try {
      assert.equal(gateway.getIdentity().mspId, 'Org1MSP');
      assert.equal(Buffer.from(gateway.getIdentity().credentials).toString('utf8'), certificatePem);
    } finally {
      gateway.close();
      client.close();
    }
  });
});
