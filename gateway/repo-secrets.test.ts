/**
 * No secrets in the repository: every tracked text file is scanned for private keys, JWTs and cloud/API token
 * shapes. And the secrets the gateway does write (the credentials store) are written mode 0600.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CredentialStoreError, upsertPrincipal, type Principal } from './credential-store.js';
import { hashSecret } from './password-hash.js';
import { run as usersRun } from './users-cli.js';

/** The checkout this test file lives in (the source or a build output inside it), never a fixed path. */
function repositoryRoot(): string {
  return execFileSync('git', ['rev-parse', '--show-toplevel'], {
    cwd: dirname(fileURLToPath(import.meta.url)),
    encoding: 'utf8',
  }).trim();
}

const SECRET_PATTERNS: Readonly<Record<string, RegExp>> = {
  'PEM private key':
    /-----BEGIN ((?:RSA |EC |DSA |OPENSSH |ENCRYPTED )?PRIVATE KEY)-----[\s\r\n]*[A-Za-z0-9+/=\s]{40,}-----END \1-----/,
  JWT: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}/,
  'AWS access key id': /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/,
  'AWS secret access key': /aws_secret_access_key\s*[=:]\s*["']?[A-Za-z0-9/+=]{40}/i,
  'GitHub token': /\bgh[pousr]_[A-Za-z0-9]{36,}\b/,
  'Slack token': /\bxox[abprs]-[A-Za-z0-9-]{10,}/,
  'Stripe live key': /\b[sr]k_live_[A-Za-z0-9]{20,}/,
  'Google API key': /\bAIza[0-9A-Za-z_-]{35}\b/,
  'private key in a JWK': /"d"\s*:\s*"[A-Za-z0-9_-]{40,}"/,
  'secret-looking assignment':
    /\b(?:password|passwd|client_secret|api[_-]?key|secret[_-]?key)\b\s*[:=]\s*["'][A-Za-z0-9+/_\-!@#$%^&*]{20,}["']/i,
};

/**
 * Findings that are not secrets, each with the reason. Keyed by `path: pattern name`. Empty today; an entry needs a
 * comment saying why the match is harmless (e.g. a published test vector), never "will fix later".
 */
const ALLOWLIST: ReadonlySet<string> = new Set<string>([]);

function isBinary(content: Buffer): boolean {
  return content.subarray(0, 8000).includes(0);
}

describe('repository secrets', () => {
  it('no tracked file holds a private key, a JWT or an API/cloud token', () => {
    const root = repositoryRoot();
    const files = execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8' })
      .split('\0')
      .filter((file) => file !== '');
    assert.ok(files.length > 50, `git ls-files listed only ${String(files.length)} files`);
    const findings: string[] = [];
    let scanned = 0;
    for (const file of files) {
      let content: Buffer;
      try {
        content = readFileSync(join(root, file));
      } catch (error) {
        // Tracked but deleted in the work tree (another engineer mid-change): nothing to scan.
        if ((error as { code?: unknown }).code === 'ENOENT') continue;
        throw error;
      }
      if (isBinary(content)) continue;
      scanned += 1;
      const text = content.toString('utf8');
      for (const [name, pattern] of Object.entries(SECRET_PATTERNS)) {
        if (pattern.test(text) && !ALLOWLIST.has(`${file}: ${name}`)) findings.push(`${file}: ${name}`);
      }
    }
    assert.ok(scanned > 50);
    assert.deepEqual(findings, []);
  });

  it('the patterns find what they are meant to find', () => {
    // Built at run time so this file itself holds no secret-shaped text.
    const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const samples: Record<string, string> = {
      'PEM private key': `-----BEGIN PRIVATE KEY-----\n${'MIGHAgEAMBMGByqGSM49'.repeat(4)}\n-----END PRIVATE KEY-----`,
      JWT: `${b64({ alg: 'ES256', typ: 'JWT' })}.${b64({ sub: 'someone-here' })}.${'s'.repeat(43)}`,
      'AWS access key id': `AKIA${'Z'.repeat(16)}`,
      'GitHub token': `ghp_${'a1'.repeat(18)}`,
      'private key in a JWK': `{"kty":"EC","d":"${'q'.repeat(43)}"}`,
    };
    for (const [name, sample] of Object.entries(samples)) {
      assert.match(sample, SECRET_PATTERNS[name] ?? /^$/, name);
    }
    assert.doesNotMatch(
      "'signing-key-pem': '-----BEGIN PRIVATE KEY-----abc'",
      SECRET_PATTERNS['PEM private key'] ?? /x/,
    );
  });

  describe('files the gateway writes', () => {
    let dir: string;
    before(() => {
      dir = mkdtempSync(join(tmpdir(), 'fhirledger-secrets-'));
    });
    after(() => {
      rmSync(dir, { recursive: true, force: true });
    });

    async function principal(id: string): Promise<Principal> {
      return {
        id,
        kind: 'user',
        role: 'provider',
        secret: await hashSecret('a-long-enough-secret', { N: 1024, r: 8, p: 1, keyLength: 32 }),
        fabricIdentity: { mspId: 'Org1MSP', certificatePath: '/c.pem', privateKeyPath: '/k.pem' },
      };
    }

    it('upsertPrincipal writes the store 0600 (and its new directory 0700), also on replace', async () => {
      const file = join(dir, 'fresh', '.fhirledger', 'credentials.json');
      assert.equal(await upsertPrincipal(file, await principal('dr.one')), 'added');
      assert.equal(statSync(file).mode & 0o777, 0o600);
      assert.equal(statSync(dirname(file)).mode & 0o777, 0o700);
      assert.equal(await upsertPrincipal(file, await principal('dr.one')), 'replaced');
      assert.equal(statSync(file).mode & 0o777, 0o600);
      assert.doesNotMatch(readFileSync(file, 'utf8'), /a-long-enough-secret/);
    });

    it('refuses to extend a store others can read', async () => {
      const file = join(dir, 'loose.json');
      await upsertPrincipal(file, await principal('dr.two'));
      execFileSync('chmod', ['644', file]);
      await assert.rejects(upsertPrincipal(file, await principal('dr.three')), CredentialStoreError);
    });

    it('`fhirledger users add` leaves a 0600 store and never echoes the secret', async () => {
      const file = join(dir, 'cli', 'credentials.json');
      const cert = join(dir, 'dr.cli-cert.pem');
      const key = join(dir, 'dr.cli-key.pem');
      writeFileSync(cert, '-----BEGIN CERTIFICATE-----\n');
      writeFileSync(key, '-----BEGIN PRIVATE KEY-----\n');
      process.env.FHIRLEDGER_TEST_SECRET_PW = 'cli-secret-value-123';
      const written: string[] = [];
      const write = process.stdout.write.bind(process.stdout);
      process.stdout.write = (chunk: string | Uint8Array) => {
        written.push(String(chunk));
        return true;
      };
      let code: number;
      try {
        code = await usersRun([
          'add',
          '--user',
          'dr.cli',
          '--role',
          'provider',
          '--store',
          file,
          '--password-env',
          'FHIRLEDGER_TEST_SECRET_PW',
          '--cert',
          cert,
          '--key',
          key,
        ]);
      } finally {
        process.stdout.write = write;
        delete process.env.FHIRLEDGER_TEST_SECRET_PW;
      }
      assert.equal(code, 0);
      assert.equal(statSync(file).mode & 0o777, 0o600);
      assert.doesNotMatch(written.join(''), /cli-secret-value-123/);
      assert.doesNotMatch(readFileSync(file, 'utf8'), /cli-secret-value-123/);
    });
  });
});
