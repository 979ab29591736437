/**
 * `fhirledger load <scenario>`: runs a k6 scenario against the FHIR gateway and writes
 * results/<date>-<scenario>/ (summary.json, points.json.gz, dashboard.html, report.md, timeline.svg, run.json).
 * Exit 0 when every SLO held and every acknowledged create is readable; 1 when k6 crossed a threshold (k6's 99),
 * k6 failed otherwise, or acknowledged records are missing; 2 for usage errors and a gateway that cannot be reached.
 */
import pino from 'pino';
import { checkK6, ensureK6 } from '../../toolchain/k6.js';
import type { CommandRunner } from '../../cli/command.js';
import {
  ExitCode,
  helpText,
  intFlag,
  numberFlag,
  parseCommandArgs,
  stringFlag,
  type ParsedArgs,
  UsageError,
  type CommandSpec,
} from '../../common/cli-args.js';
import { defaultDevnetHome } from '../../common/devnet-location.js';
import { isK6Duration } from '../../common/k6-duration.js';
import { readStackDescription, readStackPassword, type StackDescription } from '../../stack/stack-file.js';
import type { AuditLedgerAccess } from './audit-ledger.js';
import { LoadError } from './load-error.js';
import { runLoad, type LoadRunOptions } from './load-run.js';
import { isScenario, SCENARIOS } from './scenario-scripts.js';
import { selectSutTargets } from './sut/sut-targets.js';
import { requireReachableGateway } from './target-check.js';
import { defaultRunFolder } from '../../common/run-folders.js';

const SPEC: CommandSpec = {
  usage: `fhirledger load <${SCENARIOS.join('|')}> [options]`,
  summary:
    'Runs a k6 load scenario against the FHIR gateway and writes a results folder with a Gatling-style report. ' +
    'Credentials come from LOAD_USERNAME (may contain {n}, default provider{n}) and LOAD_PASSWORD.',
  positionals: true,
  flags: {
    'base-url': {
      type: 'string',
      valueName: 'URL',
      description:
        "gateway root (default $BASE_URL, else the gateway of `fhirledger up`'s stack, else http://127.0.0.1:8080)",
    },
    out: {
      type: 'string',
      valueName: 'DIR',
      default: defaultRunFolder('load'),
      description: `results root (default ${defaultRunFolder('load')}, git-ignored)`,
    },
    'think-time': { type: 'string', valueName: 'S', description: "seconds between a VU's steps (default 1)" },
    'vus-max': {
      type: 'string',
      valueName: 'N',
      description: 'peak VUs of ramp/stress/spike (default 2000)',
    },
    duration: {
      type: 'string',
      valueName: 'D',
      description: 'smoke/soak length, a k6 duration (default 30s / 30m)',
    },
    'payload-file': {
      type: 'string',
      valueName: 'PATH',
      description: 'NDJSON of Patients to post instead of the builder',
    },
    users: {
      type: 'string',
      valueName: 'N',
      description: "seeded users the VUs spread over ({n} = 1..N; default: the stack's providers, else 1)",
    },
    'verify-concurrency': {
      type: 'string',
      valueName: 'N',
      default: '16',
      description: 'parallel ledger reads of the acknowledged-write audit (default 16)',
    },
    'login-per-vu': {
      type: 'boolean',
      description:
        'every VU logs in for itself (default: setup() logs each user in once and VUs acting as that user share the token)',
    },
    'skip-verify': {
      type: 'boolean',
      description: 'skip the acknowledged-write audit (every 2xx create/modify read back from the ledger)',
    },
    'stack-home': {
      type: 'string',
      valueName: 'DIR',
      description:
        'home of a stack started by `fhirledger up` (default .fhirledger/devnet, or FHIRLEDGER_NETWORK_HOME): its gateway URL, users, password and ledger access are the defaults',
    },
    'connection-profile': {
      type: 'string',
      valueName: 'FILE',
      description:
        "fhirledger connection profile of the gateway's network, for the audit (default: the stack's)",
    },
    'credentials-store': {
      type: 'string',
      valueName: 'FILE',
      description:
        "the gateway's credentials store, naming the audit user's Fabric identity (default: the stack's)",
    },
    'audit-user': {
      type: 'string',
      valueName: 'ID',
      default: 'provider1',
      description: 'the user whose Fabric identity reads the ledger for the audit (default provider1)',
    },
    'sut-home': {
      type: 'string',
      valueName: 'DIR',
      description:
        "devnet home whose running nodes (and `fhirledger up`'s gateway) are sampled during the run (default: the stack home, if anything runs there)",
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
  const stack = readStackDescription(stringFlag(args.values, 'stack-home') ?? defaultDevnetHome(env));
  const baseUrl = (
    stringFlag(args.values, 'base-url') ??
    nonEmpty(env.BASE_URL) ??
    stack?.gatewayUrl ??
    'http://127.0.0.1:8080'
  ).replace(/\/+$/, '');
  // The stack's users, password and ledger are the defaults only when the run targets the stack's own gateway.
  const onStack = stack !== undefined && stack.gatewayUrl === baseUrl ? stack : undefined;
  if (!/^https?:\/\/[^/]+/.test(baseUrl))
    throw new UsageError(`--base-url "${baseUrl}" is not an http(s) URL`);
  const duration = stringFlag(args.values, 'duration');
  if (duration !== undefined && !isK6Duration(duration)) {
    throw new UsageError(`--duration "${duration}" is not a k6 duration such as 30s, 5m or 1h30m`);
  }
  const password = nonEmpty(env.LOAD_PASSWORD) ?? (onStack === undefined ? '' : readStackPassword(onStack));
  if (password === '') {
    throw new UsageError(
      'LOAD_PASSWORD is not set and no stack started by `fhirledger up` serves that URL; the VUs must log in',
    );
  }
  const optional = <T>(name: string, read: () => T): T | undefined =>
    args.values[name] === undefined ? undefined : read();
  const sutPids = args.values['sut-pid'];
  const sut = await selectSutTargets(
    stringFlag(args.values, 'sut-home'),
    stringFlag(args.values, 'stack-home') ?? defaultDevnetHome(env),
    Array.isArray(sutPids) ? sutPids : [],
  );
  return {
    scenario,
    baseUrl,
    resultsRoot: stringFlag(args.values, 'out') ?? defaultRunFolder('load'),
    username: env.LOAD_USERNAME ?? 'provider{n}',
    password,
    thinkTimeSeconds: optional('think-time', () => numberFlag(args.values, 'think-time', 0, 3600)),
    vusMax: optional('vus-max', () => intFlag(args.values, 'vus-max', 1, 100_000)),
    duration,
    payloadFile: stringFlag(args.values, 'payload-file'),
    userCount:
      optional('users', () => intFlag(args.values, 'users', 1, 1_000_000)) ?? onStack?.users.providers,
    audit: args.values['skip-verify'] === true ? undefined : auditAccess(args.values, onStack),
    verifyConcurrency: intFlag(args.values, 'verify-concurrency', 1, 256),
    extraEnv: args.values['login-per-vu'] === true ? { LOGIN_PER_VU: 'true' } : {},
    sutTargets: sut.targets,
    sutNotMonitoredReason: sut.notMonitoredReason,
  };
}

/** An environment variable set to '' counts as unset, as in most shells' ${VAR:-default}. */
function nonEmpty(value: string | undefined): string | undefined {
  return value === '' ? undefined : value;
}

function auditAccess(values: ParsedArgs['values'], stack: StackDescription | undefined): AuditLedgerAccess {
  const connectionProfile = stringFlag(values, 'connection-profile') ?? stack?.connectionProfile;
  const credentialsStore = stringFlag(values, 'credentials-store') ?? stack?.credentialsStore;
  if (connectionProfile === undefined || credentialsStore === undefined) {
    throw new UsageError(
      'the acknowledged-write audit reads every acknowledged write back from the ledger: give --connection-profile and ' +
        '--credentials-store (or target the gateway of `fhirledger up`), or pass --skip-verify',
    );
  }
  return { connectionProfile, credentialsStore, user: stringFlag(values, 'audit-user') ?? 'provider1' };
}

export const run: CommandRunner = async (argv) => {
  const logger = pino({ name: 'fhirledger-load' }, pino.destination(2));
  let options: LoadRunOptions | 'help';
  try {
    options = await parseLoadOptions(argv, process.env);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message}\n\n${helpText(SPEC)}`);
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
  return outcome.exitCode === 0 ? ExitCode.OK : ExitCode.FAILURE;
};
