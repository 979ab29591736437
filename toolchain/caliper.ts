/**
 * The pinned Hyperledger Caliper the Caliper benchmark runs with: `CALIPER_DIR` when the user has an installed and
 * bound Caliper, else `@hyperledger/caliper-cli` installed once from the npm registry into its own folder in
 * fhirledger's cache and bound to Fabric's peer-gateway connector there. Caliper's dependency tree (fabric-gateway
 * 1.5.0, grpc-js 1.10.3 and hundreds more) never touches the repo's node_modules.
 *
 * Like the Go tools, the install happens in a staging folder that is renamed into place when complete, under a lock,
 * so an interrupted install never looks installed and two processes never install at once.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fhirledgerHome } from './cache-dir.js';
import { runCapture, type InstallOptions } from './go-binaries.js';
import { tail } from './go-install-failure.js';
import { withLock } from './install-lock.js';
import { ToolchainError } from './toolchain-error.js';

export const CALIPER_VERSION = '0.6.0';
/** `fabric:2.4` binds the peer-gateway connector (fabric-gateway 1.5.0 + @grpc/grpc-js 1.10.3 in Caliper 0.6.0). */
export const CALIPER_SUT = 'fabric:2.4';

export interface CaliperInstall {
  /** The install's own folder (its node_modules hold Caliper and the bound Fabric client); Caliper runs from here. */
  dir: string;
  /** The `caliper` launcher script (a Node script: run it with `node`). */
  cli: string;
  version: string;
  sut: string;
  /** Seconds the install took, when this call did it; undefined when the cache already had it. */
  installedSeconds?: number;
}

interface Stamp {
  version: string;
  sut: string;
  installedAt: string;
  seconds: number;
}

const STAMP_FILE = '.installed.json';

/**
 * No install scripts: the only ones in Caliper's tree build native addons for its Ethereum connector (secp256k1,
 * keccak…), which node-gyp compiles from source for minutes and the Fabric connector never loads.
 */
const NPM_FLAGS = ['--ignore-scripts', '--no-audit', '--no-fund'];

export function caliperDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(fhirledgerHome(env), `caliper-${CALIPER_VERSION}`);
}

function cliPath(dir: string): string {
  return path.join(dir, 'node_modules', '@hyperledger', 'caliper-cli', 'caliper.js');
}

/** The peer-gateway connector's own client, which only the bind step installs. */
function boundMarker(dir: string): string {
  return path.join(dir, 'node_modules', '@hyperledger', 'fabric-gateway', 'package.json');
}

function readStamp(dir: string): Stamp | undefined {
  const stampPath = path.join(dir, STAMP_FILE);
  if (!existsSync(stampPath)) return undefined;
  return JSON.parse(readFileSync(stampPath, 'utf8')) as Stamp;
}

function isInstalled(dir: string): boolean {
  const stamp = readStamp(dir);
  return (
    stamp?.version === CALIPER_VERSION &&
    stamp.sut === CALIPER_SUT &&
    existsSync(cliPath(dir)) &&
    existsSync(boundMarker(dir))
  );
}

/** Returns the installed, bound Caliper, installing it first when the cache does not have it. */
export async function ensureCaliper(options: InstallOptions = {}): Promise<CaliperInstall> {
  const env = options.env ?? process.env;
  const log = options.log ?? (() => undefined);
  const override = env.CALIPER_DIR;
  if (override !== undefined && override !== '') return checkOverride(path.resolve(override));
  const dir = caliperDir(env);
  const found = { dir, cli: cliPath(dir), version: CALIPER_VERSION, sut: CALIPER_SUT };
  if (isInstalled(dir)) return found;
  mkdirSync(path.dirname(dir), { recursive: true });
  return withLock(`${dir}.lock`, async () => {
    if (isInstalled(dir)) return found; // another process finished it while we waited
    const staging = `${dir}.partial-${process.pid}`;
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(staging, { recursive: true });
    log(`installing Caliper ${CALIPER_VERSION} bound to ${CALIPER_SUT} (first time only; cached in ${dir})`);
    const started = Date.now();
    try {
      await runStep(
        'npm',
        ['install', '--prefix', staging, ...NPM_FLAGS, `@hyperledger/caliper-cli@${CALIPER_VERSION}`],
        staging,
        env,
        'TOOLCHAIN_MODULE_UNAVAILABLE',
        'npm install',
      );
      // Caliper's bind runs `npm install <args> <the SUT's client packages>` in --caliper-bind-cwd.
      await runStep(
        process.execPath,
        [
          cliPath(staging),
          'bind',
          '--caliper-bind-sut',
          CALIPER_SUT,
          '--caliper-bind-cwd',
          staging,
          `--caliper-bind-args=${NPM_FLAGS.join(' ')}`,
        ],
        staging,
        env,
        'TOOLCHAIN_BUILD_FAILED',
        'caliper bind',
      );
      if (!existsSync(boundMarker(staging))) {
        throw new ToolchainError(
          'TOOLCHAIN_BUILD_FAILED',
          `caliper bind --caliper-bind-sut ${CALIPER_SUT} finished but ${boundMarker(staging)} is missing`,
        );
      }
      const stamp: Stamp = {
        version: CALIPER_VERSION,
        sut: CALIPER_SUT,
        installedAt: new Date().toISOString(),
        seconds: (Date.now() - started) / 1000,
      };
      writeFileSync(path.join(staging, STAMP_FILE), `${JSON.stringify(stamp, null, 2)}\n`);
      rmSync(dir, { recursive: true, force: true });
      renameSync(staging, dir);
      log(`installed Caliper ${CALIPER_VERSION} in ${stamp.seconds.toFixed(0)} s`);
      return { ...found, installedSeconds: stamp.seconds };
    } finally {
      rmSync(staging, { recursive: true, force: true });
    }
  });
}

function checkOverride(dir: string): CaliperInstall {
  if (!existsSync(cliPath(dir))) {
    throw new ToolchainError(
      'TOOLCHAIN_BINARY_MISSING',
      `CALIPER_DIR points at ${dir}, which has no node_modules/@hyperledger/caliper-cli`,
    );
  }
  if (!existsSync(boundMarker(dir))) {
    throw new ToolchainError(
      'TOOLCHAIN_WRONG_VERSION',
      `CALIPER_DIR ${dir} is not bound to the peer-gateway connector; run "npx caliper bind --caliper-bind-sut ${CALIPER_SUT}" there`,
    );
  }
  const version = (
    JSON.parse(
      readFileSync(path.join(dir, 'node_modules', '@hyperledger', 'caliper-cli', 'package.json'), 'utf8'),
    ) as { version: string }
  ).version;
  return { dir, cli: cliPath(dir), version, sut: CALIPER_SUT };
}

async function runStep(
  command: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
  code: 'TOOLCHAIN_MODULE_UNAVAILABLE' | 'TOOLCHAIN_BUILD_FAILED',
  what: string,
): Promise<void> {
  let result: { code: number; stdout: string; stderr: string };
  try {
    result = await runCapture(command, args, env, undefined, cwd);
  } catch (error) {
    throw new ToolchainError(code, `could not run ${what}: ${String(error)}`, { cause: error });
  }
  if (result.code !== 0) {
    throw new ToolchainError(
      code,
      `${what} exited ${result.code} in ${cwd}:\n${tail(`${result.stdout}\n${result.stderr}`)}`,
    );
  }
}
