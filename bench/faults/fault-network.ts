/**
 * The network a process-fault case runs against, in the case's scratch folder at its port offset: the whole stack
 * (`fhirledger up`: devnet, users from its CA, the supervised gateway) for the load cases, the devnet alone
 * (`fhirledger network up`) for the migration cases. Faults go through the commands a user has: `network kill|start
 * NODE`; the gateway, a supervised process of the stack rather than a devnet node, is SIGKILLed through the same
 * supervisor and brought back by `fhirledger up`, which starts what is not running. `down --purge` always ends it.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { DevnetHome } from '../../network/node/devnet-home.js';
import { Supervisor } from '../../network/supervisor.js';
import { GATEWAY_NODE } from '../../stack/gateway-process.js';
import { runFhirledgerOk } from './cli-child.js';

/** What a process case can kill: the devnet's nodes by their network.json names, and the stack's gateway. */
export type FaultNode =
  | 'peer0.org1.example.com'
  | 'orderer.example.com'
  | 'chaincode-ehr'
  | 'ca.org1.example.com'
  | typeof GATEWAY_NODE;

/** When the fault happened, epoch ms. */
export interface FaultTimes {
  readonly killedAt: number;
  /** `start` was asked for (the restart). */
  readonly restartAt: number;
  /** `start` returned: the node answered its readiness check. */
  readonly readyAt: number;
}

const COMMAND_LIMIT_MS = 180_000;
/** Users the load cases need: the smoke's VUs act as provider1..3. */
const STACK_USERS = ['--providers', '3', '--patients', '1', '--regulators', '0'];

export class FaultNetwork {
  constructor(
    readonly home: string,
    readonly portOffset: number,
    readonly kind: 'stack' | 'devnet',
  ) {}

  get connectionProfile(): string {
    return new DevnetHome(this.home).fhirledgerProfile;
  }

  async up(): Promise<void> {
    const offset = ['--port-offset', String(this.portOffset), '--home', this.home];
    if (this.kind === 'stack') await runFhirledgerOk(['up', ...offset, ...STACK_USERS], COMMAND_LIMIT_MS);
    else await runFhirledgerOk(['network', 'up', ...offset], COMMAND_LIMIT_MS);
  }

  /** Stops everything and deletes the home; `fhirledger down` stops the gateway too when there is one. */
  async down(): Promise<void> {
    await runFhirledgerOk(['down', '--home', this.home, '--purge'], COMMAND_LIMIT_MS);
  }

  /**
   * SIGKILLs `node`, leaves it down for `downMs` (`whileDown` runs at the start of the outage), starts it again and
   * waits until it is ready.
   */
  async killAndRestart(node: FaultNode, downMs: number, whileDown?: () => void): Promise<FaultTimes> {
    const killedAt = Date.now();
    await this.kill(node);
    whileDown?.();
    await sleep(downMs);
    const restartAt = Date.now();
    await this.start(node);
    return { killedAt, restartAt, readyAt: Date.now() };
  }

  async kill(node: FaultNode): Promise<void> {
    if (node === GATEWAY_NODE) {
      const killed = await new Supervisor(new DevnetHome(this.home)).kill(GATEWAY_NODE);
      if (!killed) throw new Error(`no running ${GATEWAY_NODE} in ${this.home} to kill`);
    } else {
      await runFhirledgerOk(['network', 'kill', node, '--home', this.home], COMMAND_LIMIT_MS);
    }
  }

  async start(node: FaultNode): Promise<void> {
    // `up` is idempotent: with the same user counts it enrols nobody and starts only the gateway that is down.
    if (node === GATEWAY_NODE)
      await runFhirledgerOk(['up', '--home', this.home, ...STACK_USERS], COMMAND_LIMIT_MS);
    else await runFhirledgerOk(['network', 'start', node, '--home', this.home], COMMAND_LIMIT_MS);
  }
}
