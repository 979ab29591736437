import assert from 'node:assert/strict';
import { loadSettings, maskSettings } from '../common/config-table.js';
import { USERS_ADD_SETTINGS, USERS_SEED_SETTINGS } from './users-config.js';

describe('users settings: flag, else FHIRLEDGER_USERS_*, else default', () => {
  it('add: the store from FHIRLEDGER_USERS_STORE, a flag over it, values checked with the name they came from', () => {
    const env = { FHIRLEDGER_USERS_STORE: '/tmp/s.json', FHIRLEDGER_USERS_ADD_ROLE: 'regulator' };
    const fromEnv = loadSettings(USERS_ADD_SETTINGS, { user: 'ann' }, env);
    assert.deepEqual(
      [fromEnv.store, fromEnv.role, fromEnv.user, fromEnv.mspId],
      ['/tmp/s.json', 'regulator', 'ann', 'Org1MSP'],
    );
    assert.equal(loadSettings(USERS_ADD_SETTINGS, { store: 'x.json' }, env).store, 'x.json');
    assert.throws(
      () => loadSettings(USERS_ADD_SETTINGS, {}, { FHIRLEDGER_USERS_ADD_ROLE: 'admin' }),
      /FHIRLEDGER_USERS_ADD_ROLE "admin" is not one of/,
    );
    assert.throws(
      () => loadSettings(USERS_ADD_SETTINGS, { 'patient-id': 'a b' }, {}),
      /--patient-id "a b" is not a FHIR id/,
    );
  });

  it('seed: counts and concurrency from FHIRLEDGER_USERS_SEED_*, the registrar secret masked', () => {
    const env = {
      FHIRLEDGER_USERS_SEED_PROVIDERS: '3',
      FHIRLEDGER_USERS_SEED_CONCURRENCY: '8',
      FHIRLEDGER_CA_REGISTRAR_SECRET: 'adminpw',
    };
    const settings = loadSettings(USERS_SEED_SETTINGS, { patients: '2' }, env);
    assert.deepEqual(
      [settings.providers, settings.patients, settings.regulators, settings.concurrency],
      [3, 2, 0, 8],
    );
    assert.equal(settings.registrarSecret, 'adminpw');
    assert.equal(maskSettings(USERS_SEED_SETTINGS, settings).registrarSecret, '***');
    assert.throws(
      () => loadSettings(USERS_SEED_SETTINGS, {}, { FHIRLEDGER_USERS_SEED_PATIENTS: '-1' }),
      /FHIRLEDGER_USERS_SEED_PATIENTS "-1" is not a whole number from 0 to 100000/,
    );
  });
});
