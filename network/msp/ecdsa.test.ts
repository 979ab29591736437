import assert from 'node:assert/strict';
import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { encodeDerSignature, isHighS, P256_ORDER, parseDerSignature, signLowS, verifyLowS } from './ecdsa.js';

describe('msp/ecdsa low-S', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const other = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const message = Buffer.from('proposal bytes');

  it('signs with S ≤ n/2 every time and the signature verifies with plain OpenSSL too', () => {
    for (let i = 0; i < 64; i++) {
      const sig = signLowS(privateKey, message);
      assert.equal(isHighS(sig), false);
      assert.equal(verify('sha256', message, publicKey, sig), true);
      assert.equal(verifyLowS(publicKey, message, sig), true);
    }
  });

  it('refuses the high-S twin of a valid signature although OpenSSL accepts it', () => {
    const low = signLowS(privateKey, message);
    const parsed = parseDerSignature(low);
    assert.ok(parsed);
    const high = encodeDerSignature(parsed.r, P256_ORDER - parsed.s);
    assert.equal(isHighS(high), true);
    assert.equal(verify('sha256', message, publicKey, high), true, 'the twin is mathematically valid');
    assert.equal(verifyLowS(publicKey, message, high), false);
  });

  it('refuses a high-S signature straight from crypto.sign', () => {
    let raw: Buffer | undefined;
    while (raw === undefined) {
      const candidate = sign('sha256', message, privateKey);
      if (isHighS(candidate)) raw = candidate;
    }
    assert.equal(verifyLowS(publicKey, message, raw), false);
  });

  it('refuses a wrong key, a changed message, malformed DER and trailing bytes', () => {
    const sig = signLowS(privateKey, message);
    assert.equal(verifyLowS(other.publicKey, message, sig), false);
    assert.equal(verifyLowS(publicKey, Buffer.from('other'), sig), false);
    assert.equal(verifyLowS(publicKey, message, Buffer.from([0x30, 0x02, 0x02, 0x00])), false);
    assert.equal(verifyLowS(publicKey, message, Buffer.concat([sig, Buffer.from([0])])), false);
    assert.equal(verifyLowS(publicKey, message, new Uint8Array()), false);
  });

  it('round-trips DER integers that need a zero prefix', () => {
    const r = (1n << 255n) + 5n;
    const s = 7n;
    assert.deepEqual(parseDerSignature(encodeDerSignature(r, s)), { r, s });
  });

  it('accepts PEM strings as keys', () => {
    const pemPriv = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    const pemPub = publicKey.export({ format: 'pem', type: 'spki' }).toString();
    assert.equal(verifyLowS(pemPub, message, signLowS(pemPriv, message)), true);
  });
});
