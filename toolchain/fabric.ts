/**
 * The pinned Hyperledger Fabric binaries the network runs: `FABRIC_BIN` when the user has them, else built once
 * with `go install` at the v3.1.5 commit (the module path has no /v3, so a tag cannot be named) and the fabric-ca
 * v1.5 server (cgo, for sqlite) and client.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ensureGoToolSet, runCapture, type GoToolSet, type InstallOptions } from './go-binaries.js';
import { ToolchainError } from './toolchain-error.js';

export const FABRIC_VERSION = '3.1.5';
export const FABRIC_COMMIT = '86c1172bec37e6590c6b1ae6f847833df48d65fc';
export const FABRIC_CA_VERSION = 'v1.5.15';

const FABRIC_MODULE = 'github.com/hyperledger/fabric';
const FABRIC_CA_MODULE = 'github.com/hyperledger/fabric-ca';

export const FABRIC_BINARIES = ['peer', 'orderer', 'osnadmin', 'configtxgen'] as const;
export const FABRIC_CA_BINARIES = ['fabric-ca-server', 'fabric-ca-client'] as const;

export const FABRIC_TOOL_SET: GoToolSet = {
  name: `fabric-${FABRIC_VERSION}`,
  packages: FABRIC_BINARIES.map((binary) => `${FABRIC_MODULE}/cmd/${binary}@${FABRIC_COMMIT}`),
  binaries: [...FABRIC_BINARIES],
  minimumGo: { major: 1, minor: 26, patch: 4 },
  // Only Go-plugin handlers need cgo, and the network uses none.
  cgo: false,
  ldflags: `-X ${FABRIC_MODULE}/common/metadata.Version=${FABRIC_VERSION}`,
};

export const FABRIC_CA_TOOL_SET: GoToolSet = {
  name: `fabric-ca-${FABRIC_CA_VERSION}`,
  packages: FABRIC_CA_BINARIES.map((binary) => `${FABRIC_CA_MODULE}/cmd/${binary}@${FABRIC_CA_VERSION}`),
  binaries: [...FABRIC_CA_BINARIES],
  minimumGo: { major: 1, minor: 23, patch: 0 },
  // The CA server keeps its registry in sqlite, which needs cgo.
  cgo: true,
};

export interface FabricBinaries {
  /** Folder holding peer, orderer, osnadmin, configtxgen. */
  fabricDir: string;
  /** Folder holding fabric-ca-server and fabric-ca-client. */
  caDir: string;
  /** What `peer version` says, e.g. "3.1.5". */
  peerVersion: string;
}

export async function ensureFabric(options: InstallOptions = {}): Promise<FabricBinaries> {
  const env = options.env ?? process.env;
  const override = env.FABRIC_BIN;
  let fabricDir: string;
  let caDir: string;
  if (override !== undefined && override !== '') {
    fabricDir = caDir = path.resolve(override);
    for (const binary of [...FABRIC_BINARIES, ...FABRIC_CA_BINARIES]) {
      if (!existsSync(path.join(fabricDir, binary))) {
        throw new ToolchainError('TOOLCHAIN_BINARY_MISSING', `FABRIC_BIN=${fabricDir} has no ${binary}`);
      }
    }
  } else {
    fabricDir = await ensureGoToolSet(FABRIC_TOOL_SET, options);
    caDir = await ensureGoToolSet(FABRIC_CA_TOOL_SET, options);
  }
  const peerVersion = await readPeerVersion(path.join(fabricDir, 'peer'), env);
  if (!peerVersion.startsWith('3.1.')) {
    throw new ToolchainError(
      'TOOLCHAIN_WRONG_VERSION',
      `fhirledger needs Fabric 3.1.x; ${fabricDir}/peer says ${peerVersion}`,
    );
  }
  return { fabricDir, caDir, peerVersion };
}

async function readPeerVersion(peer: string, env: NodeJS.ProcessEnv): Promise<string> {
  const { code, stdout } = await runCapture(peer, ['version'], env);
  const match = /Version:\s*(\S+)/.exec(stdout);
  if (code !== 0 || !match?.[1]) {
    throw new ToolchainError(
      'TOOLCHAIN_WRONG_VERSION',
      `"${peer} version" did not report a version (exit ${code})`,
    );
  }
  return match[1];
}
