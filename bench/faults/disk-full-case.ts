/**
 * Issue 18, disk case 1: the peer's ledger folder on a small tmpfs, filled to the last page while the devnet runs.
 * Writes go through the unmodified fabric-gateway client. Expected: the client is told clearly (UNAVAILABLE naming
 * ENOSPC), the peer stays up and reports it (/healthz 503), nothing is committed half-way (after space is freed
 * and the peer restarted: its height equals the orderer's, its state fingerprint survives a restart and equals the
 * state rebuilt from its block store, every acknowledged write is readable), and it commits again once space is
 * freed, without a restart.
 */
import { auditConsistency, refusalChecks, refusalSentence } from './ledger-fault-audit.js';
import type { FaultCase, FaultContext, FaultOutcome } from './fault-case.js';
import { movePeerDataOnto, peerDataDir, peerHealth, startDevnet, tearDown } from './disk-devnet.js';
import { attemptPut, pageSizedValue, writeUntilAcknowledged, type WriteAttempt } from './write-probe.js';
import { fillFileSystem, mountTmpfs, removeFile } from '../../common/scratch-mounts.js';

/** Room for the devnet's young ledger (a few hundred KB) and then some; filled before the fault writes anyway. */
const TMPFS_BYTES = 16 * 1024 * 1024;
const WRITES_BEFORE = 3;
const WRITES_DURING = 5;
const RECOVERY_TIMEOUT_MS = 60_000;

export const diskFullCase: FaultCase = {
  id: 'peer-ledger-disk-full',
  group: 'disk',
  summary:
    "peer0's ledger folder on a 16 MB tmpfs filled up (ENOSPC): clear refusal, nothing half-committed, recovery",
  run: runDiskFull,
};

async function runDiskFull(context: FaultContext): Promise<FaultOutcome> {
  const devnet = await startDevnet(context.portOffset, context.log);
  const data = peerDataDir(devnet);
  const client = devnet.grpcClient();
  const gateway = devnet.user1Gateway(client, 'node-crypto');
  try {
    const contract = gateway.getNetwork('mychannel').getContract('shimtest', 'shimtest');
    movePeerDataOnto(devnet, (dir) => {
      mountTmpfs(dir, TMPFS_BYTES);
    });
    context.log(`peer ledger moved onto a ${TMPFS_BYTES / 1024 / 1024} MB tmpfs at ${data}`);
    const before: WriteAttempt[] = [];
    for (let i = 0; i < WRITES_BEFORE; i++)
      before.push(await attemptPut(contract, `before-${i}`, pageSizedValue()));

    const filler = fillFileSystem(data);
    context.log('tmpfs filled; writing through the gateway');
    const during: WriteAttempt[] = [];
    for (let i = 0; i < WRITES_DURING; i++)
      during.push(await attemptPut(contract, `full-${i}`, pageSizedValue()));
    const health = await peerHealth(devnet); // answering at all: the peer process is still up

    removeFile(filler);
    context.log('space freed; waiting for the peer to commit again');
    const recovery = await writeUntilAcknowledged(contract, 'after', RECOVERY_TIMEOUT_MS);
    const consistency = await auditConsistency(devnet, contract, [
      ...before,
      ...during,
      ...recovery.attempts,
    ]);

    const checks: Record<string, boolean> = {
      ...refusalChecks(during, health, { name: 'ENOSPC', pattern: /ENOSPC|no space left/i }),
      'peer commits again after space is freed, without a restart': recovery.seconds !== undefined,
      ...consistency.checks,
    };
    return {
      id: diskFullCase.id,
      group: 'disk',
      done:
        `Moved peer0's ledger folder onto a ${TMPFS_BYTES / 1024 / 1024} MB tmpfs, filled it to the last page, ` +
        `submitted ${WRITES_DURING} 6 KB puts through fabric-gateway, freed the space, restarted the peer and ` +
        'rebuilt its state from its block store.',
      happened:
        `${refusalSentence(during, health)} First write acknowledged ` +
        `${recovery.seconds?.toFixed(1) ?? 'never'} s after the space was freed. ${consistency.sentence}`,
      passed: Object.values(checks).every(Boolean),
      checks,
      acknowledged: consistency.writes.acknowledged,
      onLedger: consistency.writes.onLedger,
      ...(recovery.seconds === undefined ? {} : { recoverySeconds: recovery.seconds }),
      details: { healthDuringFault: health, ...consistency.details },
    };
  } finally {
    gateway.close();
    client.close();
    await tearDown(devnet, data, context.log);
  }
}
