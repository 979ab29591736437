/**
 * The acknowledged-write audit: after a run, every create and modify the gateway answered 2xx is read back from the
 * ledger itself — through the profile's peer with a provider's own Fabric identity, not through the gateway that
 * acknowledged it — and must be there at the acknowledged version. The chaincode numbers versions 1, 2, 3, … per
 * record (record-store.ts), so a ledger version at or past the acknowledged one proves the acknowledged write
 * committed; a later version is an unacknowledged write that committed after it (e.g. a modify whose answer timed
 * out), never a loss.
 */
import pLimit from 'p-limit';
import type { EhrLedger } from '../../common/ehr-contract.js';
import type { AcknowledgedWrite } from './observations.js';

export interface AuditOptions {
  /** Read access to the ledger as an identity the chaincode lets read every record (a provider). */
  ledger: Pick<EhrLedger, 'readRecord'>;
  writes: readonly AcknowledgedWrite[];
  concurrency: number;
}

export interface AcknowledgedCheck {
  /** Acknowledged writes checked (creates and modifies). */
  checked: number;
  /** Of those, found on the ledger at (or past) the acknowledged version. */
  onLedger: number;
  /** One line per missing write: `Patient/x v2: ledger has v1` or `Patient/x v1: not on the ledger`. */
  missing: string[];
}

type LedgerVersion = { found: true; version: number } | { found: false; reason: string };

async function ledgerVersion(ledger: AuditOptions['ledger'], key: string): Promise<LedgerVersion> {
  const slash = key.indexOf('/');
  try {
    const stored = await ledger.readRecord(key.slice(0, slash), key.slice(slash + 1));
    return { found: true, version: Number(stored.resource.meta?.versionId ?? '0') };
  } catch (error) {
    // A read that fails for any reason is not proof the record is there: it counts as missing, with the reason.
    const code = (error as { code?: unknown }).code;
    return { found: false, reason: typeof code === 'string' ? code : String(error) };
  }
}

export async function auditAcknowledgedWrites(options: AuditOptions): Promise<AcknowledgedCheck> {
  const keys = [...new Set(options.writes.map((write) => write.key))];
  const limit = pLimit(options.concurrency);
  const versions = new Map(
    await Promise.all(
      keys.map((key) => limit(async () => [key, await ledgerVersion(options.ledger, key)] as const)),
    ),
  );
  const missing: string[] = [];
  for (const write of options.writes) {
    const onLedger = versions.get(write.key);
    // An acknowledgement without an ETag proves only that the record exists: version 1 is the least it must have.
    const acknowledged = write.version === '' ? 1 : Number(write.version);
    if (onLedger === undefined || !onLedger.found) {
      missing.push(
        `${write.key} v${acknowledged}: not on the ledger (${onLedger?.found === false ? onLedger.reason : 'not read'})`,
      );
    } else if (!(onLedger.version >= acknowledged)) {
      missing.push(`${write.key} v${acknowledged}: ledger has v${onLedger.version}`);
    }
  }
  return {
    checked: options.writes.length,
    onLedger: options.writes.length - missing.length,
    missing,
  };
}

/** The audit's line in stdout and the report. */
export function auditLine(check: AcknowledgedCheck): string {
  return `${check.checked} acknowledged, ${check.onLedger} on the ledger, ${check.missing.length} missing`;
}
