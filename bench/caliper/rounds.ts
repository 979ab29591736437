/**
 * Caliper rounds as data: an operation at a fixed send rate for a bounded number of transactions. The defaults are
 * paper 002's Table 3 (open / query / transfer, 1000 transactions each at 50, 150 and 250 TPS), the same rounds the
 * k6 `caliper` scenario runs through the gateway, so the two can be compared round by round.
 */
export const CALIPER_OPS = ['open', 'query', 'transfer'] as const;
export type CaliperOp = (typeof CALIPER_OPS)[number];

/** The EHR chaincode transaction each operation calls. */
export const OP_TRANSACTION: Readonly<Record<CaliperOp, string>> = {
  open: 'CreateRecords',
  query: 'ReadRecord',
  transfer: 'UpdatePatientAddress',
};

export interface CaliperRound {
  op: CaliperOp;
  /** Fixed send rate, transactions per second. */
  tps: number;
  /** Transactions in the round (all workers together). */
  transactions: number;
}

export const PAPER_002_RATES: readonly number[] = [50, 150, 250];
export const PAPER_002_TRANSACTIONS = 1000;

/** Every operation at every rate, operations in the order given: paper 002's grid by default. */
export function roundGrid(
  ops: readonly CaliperOp[] = CALIPER_OPS,
  rates: readonly number[] = PAPER_002_RATES,
  transactions = PAPER_002_TRANSACTIONS,
): CaliperRound[] {
  return ops.flatMap((op) => rates.map((tps) => ({ op, tps, transactions })));
}

/** The round's label in Caliper's report, e.g. `open-50tps`; unique within a run, parsed back by the report reader. */
export function roundLabel(round: CaliperRound): string {
  return `${round.op}-${round.tps}tps`;
}

export function isCaliperOp(value: string): value is CaliperOp {
  return (CALIPER_OPS as readonly string[]).includes(value);
}
