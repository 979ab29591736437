/**
 * Builds pinned Go programs with `go install` into fhirledger's cache, once: later calls find them and return at
 * once. A build goes to a temporary folder and is renamed into place when complete, so an interrupted build never
 * leaves a half-written binary that looks installed; a lock folder keeps two processes from building at once.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fhirledgerHome } from './cache-dir.js';
import { findModuleRefusal, tail } from './go-install-failure.js';
import { formatGoVersion, isAtLeast, parseGoVersion, type GoVersion } from './go-version.js';
import { withLock } from './install-lock.js';
import { ToolchainError } from './toolchain-error.js';

export interface GoToolSet {
  /** Folder name in the cache, e.g. `k6-v1.8.1`. */
  name: string;
  /** Packages with version or commit, e.g. `go.k6.io/k6@v1.8.1`. */
  packages: string[];
  /** Binary names the packages produce. */
  binaries: string[];
  minimumGo: GoVersion;
  cgo: boolean;
  ldflags?: string;
  tags?: string;
}

export interface InstallOptions {
  log?: (line: string) => void;
  env?: NodeJS.ProcessEnv;
}

const STAMP_FILE = '.installed.json';

export function toolSetDir(toolSet: GoToolSet, env: NodeJS.ProcessEnv = process.env): string {
  return path.join(fhirledgerHome(env), 'bin', toolSet.name);
}

export function isInstalled(toolSet: GoToolSet, env: NodeJS.ProcessEnv = process.env): boolean {
  const dir = toolSetDir(toolSet, env);
  const stampPath = path.join(dir, STAMP_FILE);
  if (!existsSync(stampPath)) return false;
  const stamp = JSON.parse(readFileSync(stampPath, 'utf8')) as { packages?: string[] };
  const samePackages = JSON.stringify(stamp.packages) === JSON.stringify(toolSet.packages);
  return samePackages && toolSet.binaries.every((binary) => existsSync(path.join(dir, binary)));
}

/** Returns the folder holding the tool set's binaries, building them first when the cache does not have them. */
export async function ensureGoToolSet(toolSet: GoToolSet, options: InstallOptions = {}): Promise<string> {
  const env = options.env ?? process.env;
  const log = options.log ?? (() => undefined);
  const dir = toolSetDir(toolSet, env);
  if (isInstalled(toolSet, env)) return dir;
  mkdirSync(path.dirname(dir), { recursive: true });
  return withLock(`${dir}.lock`, async () => {
    if (isInstalled(toolSet, env)) return dir; // another process finished it while we waited
    const goVersion = await checkGo(toolSet.minimumGo, env);
    log(`building ${toolSet.name} with go ${formatGoVersion(goVersion)} (first time only; cached in ${dir})`);
    const staging = `${dir}.partial-${process.pid}`;
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(staging, { recursive: true });
    const started = Date.now();
    try {
      await goInstall(toolSet, staging, env, log);
      for (const binary of toolSet.binaries) {
        if (!existsSync(path.join(staging, binary))) {
          throw new ToolchainError(
            'TOOLCHAIN_BUILD_FAILED',
            `go install finished but ${binary} is not in ${staging}`,
          );
        }
      }
      const stamp = {
        packages: toolSet.packages,
        go: formatGoVersion(goVersion),
        builtAt: new Date().toISOString(),
        seconds: (Date.now() - started) / 1000,
      };
      writeFileSync(path.join(staging, STAMP_FILE), `${JSON.stringify(stamp, null, 2)}\n`);
      rmSync(dir, { recursive: true, force: true });
      renameSync(staging, dir);
      log(`built ${toolSet.name} in ${stamp.seconds.toFixed(0)} s`);
      return dir;
    } finally {
      rmSync(staging, { recursive: true, force: true });
    }
  });
}

async function checkGo(minimum: GoVersion, env: NodeJS.ProcessEnv): Promise<GoVersion> {
  let output: string;
  try {
    output = (await runCapture('go', ['version'], env)).stdout;
  } catch (error) {
    throw new ToolchainError(
      'TOOLCHAIN_GO_MISSING',
      `Go ${formatGoVersion(minimum)} or newer is needed to build fhirledger's pinned tools, and no "go" command was found on PATH. Install Go and run again.`,
      { cause: error },
    );
  }
  const version = parseGoVersion(output);
  if (!version || !isAtLeast(version, minimum)) {
    throw new ToolchainError(
      'TOOLCHAIN_GO_TOO_OLD',
      `Go ${formatGoVersion(minimum)} or newer is needed; "go version" says: ${output.trim()}`,
    );
  }
  return version;
}

async function goInstall(
  toolSet: GoToolSet,
  gobin: string,
  env: NodeJS.ProcessEnv,
  log: (line: string) => void,
): Promise<void> {
  const args = ['install', '-trimpath'];
  if (toolSet.ldflags !== undefined) args.push('-ldflags', toolSet.ldflags);
  if (toolSet.tags !== undefined) args.push('-tags', toolSet.tags);
  args.push(...toolSet.packages);
  const buildEnv = { ...env, GOBIN: gobin, CGO_ENABLED: toolSet.cgo ? '1' : '0', GOFLAGS: '-mod=mod' };
  let result: { code: number; stdout: string; stderr: string };
  try {
    result = await runCapture('go', args, buildEnv, (line) => {
      if (line.startsWith('go: downloading')) log(line);
    });
  } catch (error) {
    throw new ToolchainError('TOOLCHAIN_BUILD_FAILED', `could not run go install: ${String(error)}`, {
      cause: error,
    });
  }
  if (result.code === 0) return;
  const refusal = findModuleRefusal(result.stderr);
  if (refusal) {
    throw new ToolchainError(
      'TOOLCHAIN_MODULE_UNAVAILABLE',
      `cannot build ${toolSet.name}: the Go module proxy refused ${refusal.module} (${refusal.answer}). ` +
        `fhirledger builds its tools from Go modules only; point K6_BIN at a k6 you already have, ` +
        `or use a GOPROXY that serves this module.\n${tail(result.stderr, 5)}`,
    );
  }
  throw new ToolchainError(
    'TOOLCHAIN_BUILD_FAILED',
    `go install for ${toolSet.name} exited ${result.code}:\n${tail(result.stderr)}`,
  );
}

export function runCapture(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  onStderrLine?: (line: string) => void,
  cwd?: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let pending = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      stderr += text;
      if (!onStderrLine) return;
      pending += text;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) onStderrLine(line);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      resolve({ code: code ?? 1, stdout, stderr });
    });
  });
}
