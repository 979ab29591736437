/**
 * Calls the EHR chaincode straight at the peer with the unmodified @hyperledger/fabric-gateway client and any
 * identity — a seeded user's own, or one the attacker made — bypassing the FHIR gateway, so a case can show that a
 * refusal holds at the chaincode (or at the peer's MSP check) and not only in the gateway in front of it.
 */
import { connectIdentity, newGrpcClient, type UserCredentials } from '../../ledger-client/connection.js';
import type { AuthStack } from './auth-stack.js';

export interface FabricAnswer {
  ok: boolean;
  /** The transaction's result on success; on failure the error message with every peer's detail. */
  text: string;
}

/** Short deadlines: every call here is a single proposal on an idle devnet; a hang would be the finding. */
const DEADLINES_MS = { evaluate: 15_000, endorse: 20_000, submit: 10_000, commitStatus: 30_000 };

export async function callChaincode(
  stack: Pick<AuthStack, 'peer' | 'channel' | 'chaincode'>,
  credentials: UserCredentials,
  kind: 'evaluate' | 'submit',
  transaction: string,
  args: readonly string[],
): Promise<FabricAnswer> {
  const client = newGrpcClient(stack.peer);
  const gateway = connectIdentity(client, credentials, DEADLINES_MS);
  try {
    const contract = gateway.getNetwork(stack.channel).getContract(stack.chaincode);
    const result =
      kind === 'evaluate'
        ? await contract.evaluateTransaction(transaction, ...args)
        : await contract.submitTransaction(transaction, ...args);
    return { ok: true, text: Buffer.from(result).toString('utf8') };
  } catch (error) {
    return { ok: false, text: errorText(error) };
  } finally {
    gateway.close();
    client.close();
  }
}

/** fabric-gateway puts the peer's own words in `details[].message`; the top message only names the phase. */
export function errorText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const details = (error as { details?: unknown }).details;
  const parts = [error.message];
  if (Array.isArray(details)) {
    for (const detail of details as { message?: unknown; mspId?: unknown }[]) {
      if (typeof detail.message === 'string') parts.push(detail.message);
    }
  }
  if (error.cause !== undefined && error.cause !== error) parts.push(errorText(error.cause));
  return parts.join(' | ');
}
