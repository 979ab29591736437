/**
 * Case `rogue-chaincode`: a chaincode-as-a-service server of our own (rogue-chaincode-server.ts) defined on the
 * channel as `rogue`, which the peer dials and which then answers transactions with wrong-type, undefined-type,
 * garbage and out-of-order ChaincodeMessages. Fabric's handler (core/chaincode/handler.go) ends the stream on a
 * type it cannot handle in ready state and the running transaction fails at once ("chaincode stream terminated");
 * a COMPLETED whose payload is not a Response fails the transaction ("failed to unmarshal response",
 * chaincode_support.go); requests for a transaction that is not running, or an iterator never opened, get an ERROR
 * reply and the transaction goes on. The client (the unmodified fabric-gateway, User1) must get an error for each
 * failed transaction, the peer must re-dial the server for the next one, and the EHR chaincode must keep working —
 * also while the rogue misbehaves.
 */
import { connect, GatewayError, hash, type Contract } from '@hyperledger/fabric-gateway';
import * as grpc from '@grpc/grpc-js';
import type { FaultCase, FaultOutcome } from '../fault-case.js';
import { CHANNEL, HostileDevnet } from './hostile-devnet.js';
import { hostileOutcome } from './hostile-outcome.js';
import { RogueChaincodeServer, type RogueFunction } from './rogue-chaincode-server.js';

/** The rogue server's port before the offset: beside the EHR chaincode's 9999. */
const ROGUE_PORT = 9997;
const FAILING: readonly RogueFunction[] = ['wrongType', 'undefinedType', 'garbageBytes', 'badCompletion'];
/** Streams the peer must open: the first, then one after each of the three that break the stream. */
const EXPECTED_CONNECTIONS = 4;

interface Attempt {
  fn: string;
  via: 'evaluate' | 'submit';
  ok: boolean;
  code?: string;
  message: string;
  ms: number;
}

async function attempt(contract: Contract, fn: string, via: Attempt['via']): Promise<Attempt> {
  const started = Date.now();
  try {
    const result =
      via === 'evaluate' ? await contract.evaluateTransaction(fn) : await contract.submitTransaction(fn);
    return { fn, via, ok: true, message: Buffer.from(result).toString('utf8'), ms: Date.now() - started };
  } catch (error) {
    if (!(error instanceof GatewayError)) throw error;
    return {
      fn,
      via,
      ok: false,
      code: grpc.status[error.code],
      message: error.details.map((detail) => detail.message).join(' | ') || error.message,
      ms: Date.now() - started,
    };
  }
}

export const rogueChaincodeCase: FaultCase = {
  id: 'rogue-chaincode',
  group: 'hostile-bytes',
  summary:
    'a CCaaS server that answers with wrong-type, undefined-type, garbage and out-of-order chaincode messages',
  run: (context) =>
    HostileDevnet.with(context, async (target): Promise<FaultOutcome> => {
      const port = target.devnet.port(ROGUE_PORT);
      const packageId = target.devnet.deploy('rogue', `127.0.0.1:${port}`);
      const rogue = new RogueChaincodeServer(packageId);
      await rogue.listen(port);
      const user = target.user1;
      const gateway = connect({
        client: target.peer,
        identity: { mspId: user.mspId, credentials: Buffer.from(user.certificatePem) },
        hash: hash.none,
        signer: (message) => Promise.resolve(user.sign(message)),
        evaluateOptions: () => ({ deadline: Date.now() + 20_000 }),
        endorseOptions: () => ({ deadline: Date.now() + 20_000 }),
        submitOptions: () => ({ deadline: Date.now() + 20_000 }),
        commitStatusOptions: () => ({ deadline: Date.now() + 30_000 }),
      });
      try {
        const contract = gateway.getNetwork(CHANNEL).getContract('rogue');
        const attempts: Attempt[] = [];
        for (const fn of FAILING) attempts.push(await attempt(contract, fn, 'evaluate'));
        const ordered = await attempt(contract, 'outOfOrder', 'evaluate');
        attempts.push(ordered);
        // A submit that breaks the rogue's stream while the EHR chaincode commits a write beside it.
        const [submitted, ehrBeside] = await Promise.all([
          attempt(contract, 'garbageBytes', 'submit'),
          target.ehrWriteCommits(),
        ]);
        attempts.push(submitted);
        for (const a of attempts)
          context.log(`${a.via} ${a.fn}: ${a.ok ? 'ok' : (a.code ?? '')} ${a.message}`);

        const checks: Record<string, boolean> = {};
        for (const a of attempts.filter((x) => x.fn !== 'outOfOrder')) {
          // The peer's own 500 (no payload) is answered ABORTED by the gateway, with the peer's message as detail.
          checks[`${a.via} ${a.fn} → ABORTED "error in simulation"`] =
            !a.ok && a.code === 'ABORTED' && a.message.includes('error in simulation');
        }
        let replies: { type: string; payload: string }[] = [];
        try {
          replies = JSON.parse(ordered.message) as typeof replies;
        } catch {
          // Not JSON: the transaction failed; the checks below see no replies.
        }
        checks['outOfOrder: a request for a transaction not running → ERROR "no ledger context"'] =
          replies[0]?.type === 'ERROR' && replies[0].payload.includes('no ledger context');
        checks['outOfOrder: QUERY_STATE_NEXT for an iterator never opened → ERROR'] =
          replies[1]?.type === 'ERROR';
        checks['outOfOrder: GET_STATE with a garbage payload → ERROR, and the transaction completes'] =
          ordered.ok && replies[2]?.type === 'ERROR';
        checks[`the peer re-dialled after each broken stream (${EXPECTED_CONNECTIONS} connections)`] =
          rogue.connections === EXPECTED_CONNECTIONS;
        checks['an EHR write beside the rogue submit committed'] = ehrBeside.ok;
        const serving = await target.stillServing();
        Object.assign(checks, serving.checks);
        return hostileOutcome({
          id: 'rogue-chaincode',
          done:
            'Defined chaincode `rogue` on a grpc-js server of ours that registered, then answered five ' +
            'transactions with a REGISTER, a type-99 message, 64 bytes of 0xff, a COMPLETED holding garbage, and ' +
            'messages for a transaction not running, an iterator never opened and a garbage GET_STATE; one more garbage answer to a ' +
            'submit while the EHR chaincode committed a write.',
          happened:
            attempts
              .map((a) => `${a.via} ${a.fn}: ${a.ok ? 'ok' : (a.code ?? '')} in ${a.ms} ms`)
              .join('; ') +
            `; the peer opened ${rogue.connections} streams to the rogue; EHR write beside: ${ehrBeside.detail}; ` +
            `afterwards ${serving.detail}.`,
          checks,
          details: {
            attempts,
            replies,
            connections: rogue.connections,
            transactionsSeen: rogue.transactions,
          },
        });
      } finally {
        gateway.close();
        rogue.close();
      }
    }),
};
