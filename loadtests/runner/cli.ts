/**
 * `fhirledger load <scenario>`: runs a k6 scenario against the FHIR gateway and writes
 * results/<date>-<scenario>/ (summary.json, points.json.gz, dashboard.html, report.md, timeline.svg, run.json).
 * Exit 0 when every SLO held and every acknowledged create is readable; 1 when k6 crossed a threshold (k6's 99),
 * k6 failed otherwise, or acknowledged records are missing; 2 for usage errors and a gateway that cannot be reached.
 */
import pino from 'pino';
import { checkK6, ensureK6 } from '../../toolchain/k6.js';
import type { CommandRunner } from '../../cli/command.js';
import { ExitCode, helpText, parseCommandArgs, UsageError, type CommandSpec } from '../../common/cli-args.js';
import { ConfigError, loadSettings, settingFlags } from '../../common/config-table.js';
import { defaultDevnetHome } from '../../common/devnet-location.js';
import { readStackDescription, readStackPassword, type StackDescription } from '../../stack/stack-file.js';
import type { AuditLedgerAccess } from './audit-ledger.js';
import { LOAD_SETTINGS, type LoadSettings } from './load-config.js';
import { LoadError } from './load-error.js';
import { envProblems } from '../lib/env-rules.js';
import { runLoad, scriptEnvironment, type LoadRunOptions } from './load-run.js';
import { isScenario, SCENARIOS } from './scenario-scripts.js';
import { selectSutTargets } from './sut/sut-targets.js';
import { requireReachableGateway } from './target-check.js';

const SPEC: CommandSpec = {
  usage: `fhirledger load <${SCENARIOS.join('|')}> [options]`,
  summary:
    'Runs a k6 load scenario against the FHIR gateway and writes a results folder with a Gatling-style report. ' +
    'Credentials come from LOAD_USERNAME (may contain {n}, default provider{n}) and LOAD_PASSWORD.',
  positionals: true,
  flags: {
    ...settingFlags(LOAD_SETTINGS),
    'login-per-vu': {
      type: 'boolean',
      description:
        'every VU logs in for itself (default: setup() logs each user in once and VUs acting as that user share the token)',
    },
    'skip-verify': {
      type: 'boolean',
      description: 'skip the acknowledged-write audit (every 2xx create/modify read back from the ledger)',
    },
    'sut-pid': {
      type: 'string',
      multiple: true,
      valueName: 'NAME=PID',
      description: 'another process to sample, e.g. gateway=12345 (repeatable)',
    },
  },
};

export async function parseLoadOptions(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<LoadRunOptions | 'help'> {
  const args = parseCommandArgs(SPEC, argv);
  if (args.help) return 'help';
  const [scenario, ...rest] = args.positionals;
  if (scenario === undefined)
    throw new UsageError(`missing scenario; expected one of ${SCENARIOS.join(', ')}`);
  if (!isScenario(scenario))
    throw new UsageError(`unknown scenario "${scenario}"; expected one of ${SCENARIOS.join(', ')}`);
  if (rest.length > 0) throw new UsageError(`unexpected argument "${rest.join(' ')}" after the scenario`);
  const settings = Object.freeze(loadSettings(LOAD_SETTINGS, args.values, env));
  const stackHome = settings.stackHome ?? defaultDevnetHome(env);
  const stack = readStackDescription(stackHome);
  const baseUrl = settings.baseUrl ?? stack?.gatewayUrl ?? 'http://127.0.0.1:8080';
  // The stack's users, password and ledger are the defaults only when the run targets the stack's own gateway.
  const onStack = stack !== undefined && stack.gatewayUrl === baseUrl ? stack : undefined;
  const password = nonEmpty(env.LOAD_PASSWORD) ?? (onStack === undefined ? '' : readStackPassword(onStack));
  if (password === '') {
    throw new UsageError(
      'LOAD_PASSWORD is not set and no stack started by `fhirledger up` serves that URL; the VUs must log in',
    );
  }
  const sutPids = args.values['sut-pid'];
  const sut = await selectSutTargets(settings.sutHome, stackHome, Array.isArray(sutPids) ? sutPids : []);
  const options: LoadRunOptions = {
    scenario,
    baseUrl,
    resultsRoot: settings.out,
    username: env.LOAD_USERNAME ?? 'provider{n}',
    password,
    thinkTimeSeconds: settings.thinkTime,
    vusMax: settings.vusMax,
    duration: settings.duration,
    payloadFile: settings.payloadFile,
    userCount: settings.users ?? onStack?.users.providers,
    audit: args.values['skip-verify'] === true ? undefined : auditAccess(settings, onStack),
    verifyConcurrency: settings.verifyConcurrency,
    extraEnv: args.values['login-per-vu'] === true ? { LOGIN_PER_VU: 'true' } : {},
    sutTargets: sut.targets,
    sutNotMonitoredReason: sut.notMonitoredReason,
  };
  // The scripts would refuse a bad variable only inside k6 (its exit 107, our 1): a usage error belongs here.
  const problems = envProblems(scriptEnvironment(options, env));
  if (problems.length > 0) throw new UsageError(problems.join('; '));
  return options;
}

/** An environment variable set to '' counts as unset, as in most shells' ${VAR:-default}. */
function nonEmpty(value: string | undefined): string | undefined {
  return value === '' ? undefined : value;
}

function auditAccess(
  settings: Readonly<LoadSettings>,
  stack: StackDescription | undefined,
): AuditLedgerAccess {
  const connectionProfile = settings.connectionProfile ?? stack?.connectionProfile;
  const credentialsStore = settings.credentialsStore ?? stack?.credentialsStore;
  if (connectionProfile === undefined || credentialsStore === undefined) {
    throw new UsageError(
      'the acknowledged-write audit reads every acknowledged write back from the ledger: give --connection-profile and ' +
        '--credentials-store (or target the gateway of `fhirledger up`), or pass --skip-verify',
    );
  }
  return { connectionProfile, credentialsStore, user: settings.auditUser };
}

export const run: CommandRunner = async (argv) => {
  const logger = pino({ name: 'fhirledger-load' }, pino.destination(2));
  let options: LoadRunOptions | 'help';
  try {
    options = await parseLoadOptions(argv, process.env);
  } catch (error) {
    if (error instanceof UsageError || error instanceof ConfigError) {
      process.stderr.write(`fhirledger load: ${error.message}\n\n${helpText(SPEC)}`);
      return ExitCode.USAGE;
    }
    throw error;
  }
  if (options === 'help') {
    process.stdout.write(helpText(SPEC));
    return ExitCode.OK;
  }
  logger.info({ config: { ...options, password: '***' } }, 'load run configured');
  try {
    await requireReachableGateway(options.baseUrl);
  } catch (error) {
    if (error instanceof LoadError) {
      process.stderr.write(`fhirledger load: ${error.code}: ${error.message}\n`);
      return ExitCode.USAGE;
    }
    throw error;
  }
  const k6Binary = await ensureK6({
    log: (text) => {
      logger.info(text);
    },
  });
  const k6Version = await checkK6(k6Binary, process.env, 'k6');
  const outcome = await runLoad(options, {
    k6Binary,
    k6Version,
    stdout: process.stdout,
    log: process.stderr,
  });
  if (outcome.exitCode !== 0)
    logger.error({ failures: outcome.failures, runFolder: outcome.runFolder }, 'load run failed');
  // A crossed SLO or a lost write is a finding of a finished run (3); a run k6 could not finish is a failure (1).
  return outcome.exitCode;
};
