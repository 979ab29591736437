/**
 * Which processes the SUT monitor watches: the devnet's nodes (their pids from `network status`) and processes
 * named on the command line (`--sut-pid gateway=1234`). The default is the local devnet when it is up, so
 * `fhirledger load smoke` beside `fhirledger network up` monitors it without being told.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../../../common/cli-args.js';
import { defaultDevnetHome } from '../../../common/devnet-location.js';
import { networkStatus } from '../../../network/node/network-status.js';
import type { SutRole, SutTarget } from './sut-sampler.js';

export interface SutSelection {
  targets: SutTarget[];
  /** Shown in report.md when there is nothing to monitor but k6. */
  notMonitoredReason: string;
}

/** `NAME=PID`; a name starting with "gateway" gets the gateway role. */
export function parseSutPid(value: string): SutTarget {
  const match = /^([A-Za-z0-9._-]+)=(\d+)$/.exec(value);
  const pid = Number(match?.[2]);
  if (match?.[1] === undefined || !Number.isSafeInteger(pid) || pid <= 0)
    throw new UsageError(`--sut-pid "${value}" is not NAME=PID (e.g. gateway=12345)`);
  const role: SutRole = match[1].startsWith('gateway') ? 'gateway' : 'process';
  return { name: match[1], role, pid };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else; it is alive.
    return error instanceof Error && 'code' in error && error.code === 'EPERM';
  }
}

async function devnetTargets(home: string): Promise<SutTarget[]> {
  if (!existsSync(path.join(home, 'network.json'))) return [];
  const status = await networkStatus(home);
  return status.nodes.flatMap((node) =>
    node.pid === null ? [] : [{ name: node.name, role: node.role, pid: node.pid }],
  );
}

/**
 * `home` is --sut-home: it must hold a running devnet. Without it, the default home is used when a devnet runs
 * there, and silently skipped when none does (the load may target a gateway somewhere else).
 */
export async function selectSutTargets(
  home: string | undefined,
  pidFlags: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<SutSelection> {
  const named = pidFlags.map(parseSutPid);
  for (const target of named) {
    if (!alive(target.pid)) throw new UsageError(`--sut-pid ${target.name}=${target.pid}: no such process`);
  }
  const devnetHome = path.resolve(home ?? defaultDevnetHome(env));
  const nodes = await devnetTargets(devnetHome);
  if (home !== undefined && nodes.length === 0)
    throw new UsageError(
      `--sut-home ${home}: no devnet node is running there (see fhirledger network status)`,
    );
  const targets = [...nodes, ...named];
  return {
    targets,
    notMonitoredReason:
      targets.length === 0
        ? `no devnet running at ${devnetHome} and no --sut-pid given (only k6 was sampled)`
        : '',
  };
}
