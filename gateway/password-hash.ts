/**
 * Password and client-secret hashing with scrypt (node:crypto), parameters stored next to each hash so they can be
 * raised later without invalidating existing entries. Verification is constant-time.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

export interface ScryptHash {
  algorithm: 'scrypt';
  N: number;
  r: number;
  p: number;
  keyLength: number;
  /** base64 */
  salt: string;
  /** base64 */
  hash: string;
}

/** OWASP's minimum for scrypt (N=2^17 is preferred where logins are rare; tokens here are reused, so 2^15). */
export const DEFAULT_SCRYPT_COST = { N: 2 ** 15, r: 8, p: 1, keyLength: 32 } as const;

function derive(secret: string, salt: Buffer, cost: { N: number; r: number; p: number; keyLength: number }) {
  const options: ScryptOptions = {
    N: cost.N,
    r: cost.r,
    p: cost.p,
    maxmem: 256 * cost.N * cost.r + 1024 * 1024,
  };
  return new Promise<Buffer>((resolve, reject) => {
    scrypt(secret.normalize('NFC'), salt, cost.keyLength, options, (error, key) => {
      if (error) reject(error);
      else resolve(key);
    });
  });
}

export async function hashSecret(
  secret: string,
  cost: { N: number; r: number; p: number; keyLength: number } = DEFAULT_SCRYPT_COST,
): Promise<ScryptHash> {
  const salt = randomBytes(16);
  const key = await derive(secret, salt, cost);
  return { algorithm: 'scrypt', ...cost, salt: salt.toString('base64'), hash: key.toString('base64') };
}

export async function verifySecret(secret: string, stored: ScryptHash): Promise<boolean> {
  const expected = Buffer.from(stored.hash, 'base64');
  const key = await derive(secret, Buffer.from(stored.salt, 'base64'), {
    ...stored,
    keyLength: expected.length,
  });
  return key.length === expected.length && timingSafeEqual(key, expected);
}
