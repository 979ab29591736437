/**
 * Issue 18, disk case 2: the peer's ledger folder turns read-only under it (EROFS). A tmpfs cannot do that while
 * the peer runs: Linux refuses `mount -o remount,ro` (EBUSY) while any file on it is open for writing, and the
 * peer keeps its block file open. So the folder is an ext4 image on a loop device mounted `errors=remount-ro`, and
 * the case makes the kernel record an ext4 error: the file system goes read-only at once and even already-open
 * files answer EROFS, as after a failing disk. Expected: the client is told clearly, the peer stays up and reports
 * it, nothing is committed half-way; the operator's recovery (stop the peer, unmount, e2fsck, mount, start)
 * brings every ordered block in. Then a peer started on a folder mounted read-only refuses to start, saying EROFS.
 */
import type { BenchDevnet } from '../devnet-harness.js';
import { auditConsistency, refusalChecks, refusalSentence } from './ledger-fault-audit.js';
import type { FaultCase, FaultContext, FaultOutcome } from './fault-case.js';
import { movePeerDataOnto, PEER, peerDataDir, peerHealth, startDevnet, tearDown } from './disk-devnet.js';
import { attemptPut, pageSizedValue, writeUntilAcknowledged, type WriteAttempt } from './write-probe.js';
import {
  detachLoop,
  mountExt4,
  mountExt4Image,
  remount,
  repairExt4,
  triggerExt4Error,
  unmount,
  writeRefusal,
  type Ext4Image,
} from '../../common/scratch-mounts.js';
import path from 'node:path';
import { rmSync } from 'node:fs';

const IMAGE_BYTES = 64 * 1024 * 1024;
const WRITES_DURING = 4;

export const readOnlyCase: FaultCase = {
  id: 'peer-ledger-read-only',
  group: 'disk',
  summary:
    "peer0's ledger folder forced read-only by the kernel (ext4 errors=remount-ro, EROFS): clear refusal, recovery",
  run: runReadOnly,
};

async function runReadOnly(context: FaultContext): Promise<FaultOutcome> {
  const devnet = await startDevnet(context.portOffset, context.log);
  const data = peerDataDir(devnet);
  const image = path.join(context.workDir, 'peer-ledger.ext4');
  const client = devnet.grpcClient();
  const gateway = devnet.user1Gateway(client, 'node-crypto');
  let ext4: Ext4Image | undefined;
  try {
    const contract = gateway.getNetwork('mychannel').getContract('shimtest', 'shimtest');
    movePeerDataOnto(devnet, (dir) => {
      ext4 = mountExt4Image(image, dir, IMAGE_BYTES);
    });
    if (ext4 === undefined) throw new Error('the ext4 image was not mounted');
    const mounted: Ext4Image = ext4;
    const before = [await attemptPut(contract, 'before-0', pageSizedValue())];

    triggerExt4Error(mounted);
    const refusal = writeRefusal(data);
    context.log(`ext4 error triggered on ${mounted.loopDevice}; a new file there: ${refusal ?? 'written'}`);
    const during: WriteAttempt[] = [];
    for (let i = 0; i < WRITES_DURING; i++)
      during.push(await attemptPut(contract, `ro-${i}`, pageSizedValue()));
    const health = await peerHealth(devnet); // answering at all: the peer process is still up

    // The operator's repair: the kernel keeps the file system read-only until it is checked and mounted again.
    devnet.control('kill', PEER);
    unmount(data);
    repairExt4(mounted);
    mountExt4(mounted, data);
    const restartedAt = Date.now();
    devnet.control('start', PEER);
    const recovery = await writeUntilAcknowledged(contract, 'after', 60_000);
    const recoverySeconds = recovery.seconds === undefined ? undefined : (Date.now() - restartedAt) / 1000;
    const consistency = await auditConsistency(devnet, contract, [
      ...before,
      ...during,
      ...recovery.attempts,
    ]);
    const startOnReadOnly = refusedStartOnReadOnly(devnet, data);

    const checks: Record<string, boolean> = {
      'the kernel switched the ledger folder to read-only (a new file there: EROFS)': refusal === 'EROFS',
      ...refusalChecks(during, health, { name: 'EROFS', pattern: /EROFS|read-only file system/i }),
      'peer commits again after repair and restart': recovery.seconds !== undefined,
      ...consistency.checks,
      'a peer started on a read-only ledger folder refuses to start, naming EROFS': startOnReadOnly.refused,
    };
    return {
      id: readOnlyCase.id,
      group: 'disk',
      done:
        "Moved peer0's ledger folder onto an ext4 image mounted errors=remount-ro, triggered an ext4 error (the " +
        `kernel turns it read-only), submitted ${WRITES_DURING} puts through fabric-gateway, then repaired ` +
        '(stop, umount, e2fsck, mount, start), restarted and rebuilt the state from the block store; finally ' +
        'started the peer on the folder remounted read-only.',
      happened:
        `${refusalSentence(during, health)} First write acknowledged ${recoverySeconds?.toFixed(1) ?? 'never'} s ` +
        `after the repaired peer was started. ${consistency.sentence} Start on a read-only folder: ` +
        startOnReadOnly.said,
      passed: Object.values(checks).every(Boolean),
      checks,
      acknowledged: consistency.writes.acknowledged,
      onLedger: consistency.writes.onLedger,
      ...(recoverySeconds === undefined ? {} : { recoverySeconds }),
      details: { healthDuringFault: health, startOnReadOnly: startOnReadOnly.said, ...consistency.details },
    };
  } finally {
    gateway.close();
    client.close();
    await tearDown(devnet, data, context.log, () => {
      if (ext4 !== undefined) detachLoop(ext4.loopDevice);
      rmSync(image, { force: true });
    });
  }
}

/**
 * Stops the peer, remounts its folder read-only (allowed now: nothing has a file open for writing), starts it and
 * expects `network start` to fail with the peer's EROFS in the log tail; then remounts read-write.
 */
function refusedStartOnReadOnly(devnet: BenchDevnet, data: string): { refused: boolean; said: string } {
  devnet.control('kill', PEER);
  remount(data, 'ro');
  try {
    devnet.control('start', PEER);
    return { refused: false, said: 'the peer started on a read-only ledger folder' };
  } catch (error) {
    const said = error instanceof Error ? error.message : String(error);
    // The log tail also holds the fault phase's EROFS lines: only the start failure itself counts.
    const line = said
      .split('\n')
      .find((text) => /failed to start/.test(text) && /EROFS|read-only file system/i.test(text));
    return { refused: line !== undefined, said: (line ?? said).trim().slice(0, 300) };
  } finally {
    remount(data, 'rw');
  }
}
