/** Process entry of a devnet orderer: `node orderer-main.js --config FILE`. Logs go to stderr. */
import { readNodeConfig, type OrdererNodeConfig } from './node-config.js';
import { startOrderer } from './orderer-process.js';
import { runNode } from './run-node.js';

runNode('orderer', (log) => startOrderer(readNodeConfig(process.argv.slice(2)) as OrdererNodeConfig, log));
