/**
 * The chaincodes defined on the peer's channel. The devnet has no lifecycle transactions (`_lifecycle` is not
 * implemented): `fhirledger network chaincode deploy` records a definition here, and the peer keeps it in its data
 * folder so it survives restarts.
 */
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { EndorsementPolicySpec } from '../msp/types.js';

export interface ChaincodeDefinition {
  readonly name: string;
  readonly version: string;
  readonly sequence: number;
  /** label:sha256 of the CCaaS package, what the chaincode server is started with (--chaincode-id). */
  readonly packageId: string;
  /** host:port of the chaincode server the peer dials. */
  readonly address: string;
  readonly policy: EndorsementPolicySpec;
}

export class ChaincodeRegistry {
  private readonly definitions = new Map<string, ChaincodeDefinition>();

  constructor(private readonly file: string) {
    if (existsSync(file)) {
      const stored = JSON.parse(readFileSync(file, 'utf8')) as ChaincodeDefinition[];
      for (const definition of stored) this.definitions.set(definition.name, definition);
    }
  }

  get(name: string): ChaincodeDefinition | undefined {
    return this.definitions.get(name);
  }

  list(): ChaincodeDefinition[] {
    return [...this.definitions.values()];
  }

  /**
   * Defines or upgrades a chaincode; the sequence grows by one on each change, as Fabric's lifecycle counts it, and
   * defining the same thing again changes nothing.
   */
  define(definition: Omit<ChaincodeDefinition, 'sequence'>): ChaincodeDefinition {
    const previous = this.definitions.get(definition.name);
    if (previous !== undefined && sameDefinition(previous, definition)) return previous;
    const stored: ChaincodeDefinition = { ...definition, sequence: (previous?.sequence ?? 0) + 1 };
    this.definitions.set(definition.name, stored);
    this.save();
    return stored;
  }

  /**
   * Written whole and synced before the rename, and the rename synced: a crash or a disk error just after a deploy
   * must leave the old list or the new one, never an empty file the peer cannot start on (the EROFS fault case
   * found one: unsynced data is dropped when the kernel turns a file system read-only).
   */
  private save(): void {
    const temporary = `${this.file}.tmp`;
    const fd = openSync(temporary, 'w');
    try {
      writeFileSync(fd, JSON.stringify(this.list(), null, 2));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, this.file);
    const directory = openSync(path.dirname(this.file), 'r');
    try {
      fsyncSync(directory);
    } finally {
      closeSync(directory);
    }
  }
}

function sameDefinition(
  a: Omit<ChaincodeDefinition, 'sequence'>,
  b: Omit<ChaincodeDefinition, 'sequence'>,
): boolean {
  return (
    a.version === b.version &&
    a.packageId === b.packageId &&
    a.address === b.address &&
    JSON.stringify(a.policy) === JSON.stringify(b.policy)
  );
}
