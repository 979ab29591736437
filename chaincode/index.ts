/**
 * The chaincode package entry. `fabric-chaincode-node server` (chaincode-as-a-service) requires the package's
 * `main` and registers every class in `contracts`; the first one is the default contract, so clients invoke
 * transactions by their bare names (`CreateRecords`, not `ehr:CreateRecords`).
 */
import { EhrContract } from './ehr-contract.js';

export const contracts = [EhrContract];
export { EhrContract };
