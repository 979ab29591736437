/**
 * The pinned k6 the load tests run with: `K6_BIN` when the user has one, else k6 built once with `go install`
 * into fhirledger's cache.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ensureGoToolSet, runCapture, type GoToolSet, type InstallOptions } from './go-binaries.js';
import { ToolchainError } from './toolchain-error.js';

export const K6_VERSION = 'v1.8.1';

export const K6_TOOL_SET: GoToolSet = {
  name: `k6-${K6_VERSION}`,
  packages: [`go.k6.io/k6@${K6_VERSION}`],
  binaries: ['k6'],
  minimumGo: { major: 1, minor: 24, patch: 0 },
  cgo: false,
};

export async function ensureK6(options: InstallOptions = {}): Promise<string> {
  const env = options.env ?? process.env;
  const override = env.K6_BIN;
  if (override !== undefined && override !== '') {
    const binary = path.resolve(override);
    await checkK6(binary, env, 'K6_BIN');
    return binary;
  }
  const dir = await ensureGoToolSet(K6_TOOL_SET, options);
  return path.join(dir, 'k6');
}

/** Runs `k6 version` and returns its first line; fails with a clear error when the binary is missing or broken. */
export async function checkK6(binary: string, env: NodeJS.ProcessEnv, source: string): Promise<string> {
  if (!existsSync(binary)) {
    throw new ToolchainError(
      'TOOLCHAIN_BINARY_MISSING',
      `${source} points at ${binary}, which does not exist`,
    );
  }
  const { code, stdout } = await runCapture(binary, ['version'], env);
  if (code !== 0 || !stdout.startsWith('k6 ')) {
    throw new ToolchainError(
      'TOOLCHAIN_WRONG_VERSION',
      `${source}: "${binary} version" did not answer like k6 (exit ${code})`,
    );
  }
  return stdout.split('\n')[0] ?? stdout;
}
