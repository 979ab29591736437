/**
 * `fhirledger network install | status`. Install builds the pinned Fabric and Fabric CA binaries into the cache (or
 * checks FABRIC_BIN); status tells what is installed. Bringing nodes up needs those binaries first.
 */
import { ExitCode, helpText, parseCommandArgs, UsageError, type CommandSpec } from '../common/cli-args.js';
import type { CommandRunner } from '../cli/command.js';
import { ensureFabric, FABRIC_CA_TOOL_SET, FABRIC_TOOL_SET, FABRIC_VERSION } from '../toolchain/fabric.js';
import { isInstalled, toolSetDir } from '../toolchain/go-binaries.js';
import { ensureK6, K6_TOOL_SET } from '../toolchain/k6.js';
import { ToolchainError } from '../toolchain/toolchain-error.js';

const INSTALL: CommandSpec = {
  usage: 'fhirledger network install [--k6]',
  summary: `Builds Hyperledger Fabric ${FABRIC_VERSION} (peer, orderer, osnadmin, configtxgen) and Fabric CA with go install into the cache (FHIRLEDGER_HOME), or checks the binaries in FABRIC_BIN. Idempotent.`,
  flags: { k6: { type: 'boolean', description: 'also build the pinned k6 used by the load tests' } },
};

const STATUS: CommandSpec = {
  usage: 'fhirledger network status [--json]',
  summary: 'Shows which pinned binaries (Fabric, Fabric CA, k6) are installed and where.',
  flags: { json: { type: 'boolean', description: 'print JSON on stdout' } },
};

const USAGE = `Usage: fhirledger network <install|status> [options]\n\n  install   build or check the pinned Fabric binaries\n  status    show what is installed\n`;

export const run: CommandRunner = async (argv) => {
  const [sub, ...rest] = argv;
  if (sub === 'install') return install(rest);
  if (sub === 'status') return status(rest);
  if (sub === undefined || sub === '--help') {
    process.stdout.write(USAGE);
    return sub === undefined ? ExitCode.USAGE : ExitCode.OK;
  }
  throw new UsageError(`unknown network command "${sub}"\n${USAGE}`);
};

async function install(argv: readonly string[]): Promise<number> {
  const args = parseCommandArgs(INSTALL, argv);
  if (args.help) {
    process.stdout.write(helpText(INSTALL));
    return ExitCode.OK;
  }
  const log = (line: string) => process.stderr.write(`network install: ${line}\n`);
  try {
    const fabric = await ensureFabric({ log });
    log(`Fabric ${fabric.peerVersion} in ${fabric.fabricDir}; Fabric CA in ${fabric.caDir}`);
    if (args.values.k6 === true) log(`k6 at ${await ensureK6({ log })}`);
    return ExitCode.OK;
  } catch (error) {
    if (error instanceof ToolchainError) {
      process.stderr.write(`fhirledger network install: ${error.code}: ${error.message}\n`);
      return ExitCode.FAILURE;
    }
    throw error;
  }
}

function status(argv: readonly string[]): number {
  const args = parseCommandArgs(STATUS, argv);
  if (args.help) {
    process.stdout.write(helpText(STATUS));
    return ExitCode.OK;
  }
  const report = [FABRIC_TOOL_SET, FABRIC_CA_TOOL_SET, K6_TOOL_SET].map((toolSet) => ({
    name: toolSet.name,
    installed: isInstalled(toolSet),
    dir: toolSetDir(toolSet),
  }));
  const fabricBin = process.env.FABRIC_BIN;
  const body = { binaries: report, fabricBinOverride: fabricBin ?? null };
  if (args.values.json === true) {
    process.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
  } else {
    for (const row of report)
      process.stdout.write(
        `${row.name.padEnd(22)} ${row.installed ? 'installed' : 'missing  '} ${row.dir}\n`,
      );
  }
  return ExitCode.OK;
}
