/** The peer side of chaincode-as-a-service: what the endorser uses to run a chaincode over the shim protocol. */
export { CcaasRuntime, type CcaasRuntimeOptions, type ChaincodeTlsOptions } from './ccaas-runtime.js';
export { ChaincodeShimError, type ChaincodeShimErrorCode } from './shim-error.js';
export { SimulationError, type SimulationErrorCode } from './simulation-error.js';
export { MAX_RESULTS_PER_BATCH, TOTAL_QUERY_LIMIT } from './query-iterators.js';
