/**
 * Which processes the SUT monitor watches: the devnet's nodes (their pids from `network status`), the gateway that
 * `fhirledger up` supervises beside them, and processes named on the command line (`--sut-pid gateway=1234`). The
 * default home is the stack's, so `fhirledger load smoke` after `fhirledger up` monitors it without being told.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../../../common/cli-args.js';
import { networkStatus } from '../../../network/node/network-status.js';
import { GATEWAY_NODE, gatewayPid } from '../../../stack/gateway-process.js';
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

async function homeTargets(home: string): Promise<SutTarget[]> {
  if (!existsSync(path.join(home, 'network.json'))) return [];
  const status = await networkStatus(home);
  const nodes = status.nodes.flatMap((node) =>
    node.pid === null ? [] : [{ name: node.name, role: node.role, pid: node.pid }],
  );
  const gateway = gatewayPid(home);
  return gateway === undefined ? nodes : [...nodes, { name: GATEWAY_NODE, role: 'gateway', pid: gateway }];
}

/**
 * `home` is --sut-home: it must hold a running devnet. Without it, `defaultHome` (the stack's) is used when
 * something runs there, and silently skipped when nothing does (the load may target a gateway elsewhere).
 */
export async function selectSutTargets(
  home: string | undefined,
  defaultHome: string,
  pidFlags: readonly string[],
): Promise<SutSelection> {
  const named = pidFlags.map(parseSutPid);
  for (const target of named) {
    if (!alive(target.pid)) throw new UsageError(`--sut-pid ${target.name}=${target.pid}: no such process`);
  }
  const devnetHome = path.resolve(home ?? defaultHome);
  const fromHome = await homeTargets(devnetHome);
  if (home !== undefined && fromHome.length === 0)
    throw new UsageError(
      `--sut-home ${home}: no devnet node is running there (see fhirledger network status)`,
    );
  // A --sut-pid naming a process the home already lists adds nothing.
  const targets = [...fromHome, ...named.filter((n) => !fromHome.some((t) => t.pid === n.pid))];
  return {
    targets,
    notMonitoredReason:
      targets.length === 0
        ? `nothing runs at ${devnetHome} and no --sut-pid was given (only k6 was sampled)`
        : '',
  };
}
