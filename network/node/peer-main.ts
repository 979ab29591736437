/** Process entry of a devnet peer: `node peer-main.js --config FILE`. Logs go to stderr, one line per event. */
import { readNodeConfig, type PeerNodeConfig } from './node-config.js';
import { runNode } from './run-node.js';
import { startPeer } from './peer-process.js';

runNode('peer', (log) => startPeer(readNodeConfig(process.argv.slice(2)) as PeerNodeConfig, log));
