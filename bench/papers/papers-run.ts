/**
 * `fhirledger bench papers`: both papers' experiments on this machine, measured the way they were measured, into
 * one machine-written folder `results/<date>-papers/` and the summary page `results/README.md`:
 * - paper 000: the 10 → 2000 user ramp over 100 s (k6 `ramp`) through the FHIR gateway, on the dev stack by default
 *   (RAMP_ON_DEV_REASON);
 * - paper 002 Table 3: open / query / transfer at each send rate, 1000 transactions per round, on the paper stack
 *   (3 orgs × 2 peers, MAJORITY endorsement, 3 Raft orderers) by default, driven twice — by k6 (`caliper` scenario,
 *   through the gateway over HTTP) and by Hyperledger Caliper 0.6 (straight at peer0.org1's Gateway service) — so
 *   the two tools can be compared on the same network and chaincode.
 * The raw k6 points stay in runs/ (git-ignored, large); the reports, charts and figures go to results/.
 */
import { copyFileSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { caliperRows } from '../../loadtests/runner/caliper-table.js';
import {
  runLoad,
  type LoadRunIo,
  type LoadRunOptions,
  type LoadRunOutcome,
} from '../../loadtests/runner/load-run.js';
import { selectSutTargets } from '../../loadtests/runner/sut/sut-targets.js';
import type { ProfileName } from '../../network/node/network-up.js';
import { gatewayPid } from '../../stack/gateway-process.js';
import { stackDown } from '../../stack/stack-down.js';
import { readStackDescription, readStackPassword, type StackDescription } from '../../stack/stack-file.js';
import { stackUp } from '../../stack/stack-up.js';
import { runCaliper, type CaliperRunResult } from '../caliper/caliper-run.js';
import { roundGrid } from '../caliper/rounds.js';
import { createRunFolder, describeEnvironment, writeRunJson } from '../run-folder.js';
import { papersSummary } from './papers-summary.js';

export interface PapersConfig {
  /** The dev stack's home. */
  home: string;
  /** The paper stack's home (a network keeps the profile it was created with, so each profile has its own). */
  paperHome: string;
  portOffset: number | undefined;
  /** Where paper 000's ramp runs: dev by default, the paper profile does not carry 2000 VUs on 2 cores. */
  rampProfile: ProfileName;
  /** Where paper 002's Table 3 runs, k6 and Caliper alike: paper 002's own topology by default. */
  table3Profile: ProfileName;
  resultsRoot: string;
  runsRoot: string;
  vusMax: number;
  transactions: number;
  rates: number[];
  /** Providers the ramp's VUs spread over (each logs in once in setup()). */
  providers: number;
}

/**
 * Why paper 000's ramp stays on dev by default, written beside the figures (page and run.json). Measured by
 * `bench devnet --profile paper` (results/2026-11-30-devnet-paper): the paper profile commits 27–37 blind writes/s
 * on these 2 cores, with 16 processes sharing them; 2000 VUs offer several times that.
 */
export const RAMP_ON_DEV_REASON =
  'the paper profile (16 processes on 2 cores) commits 27–37 writes/s (results/2026-11-30-devnet-paper), far below ' +
  "what 2000 VUs offer, so paper 000's ramp would measure only queueing and timeouts; it runs on dev";

/**
 * The files of a load run worth keeping in results/ (small, human-readable); the raw points stay in runs/. Not
 * k6's summary.json: its setup_data holds the bearer tokens setup() got for the run's users.
 */
const KEPT_LOAD_FILES = ['report.md', 'timeline.svg', 'run.json', 'sut.json', 'sut.svg'];

export async function runPapers(
  config: PapersConfig,
  io: LoadRunIo,
): Promise<{ folder: string; ok: boolean }> {
  const log = (line: string): void => {
    io.log.write(`${line}\n`);
  };
  // Taken before the run writes anything, so its own new folders do not count as uncommitted changes.
  const environment = describeEnvironment();
  const load = async (
    stack: StackDescription,
    scenario: LoadRunOptions['scenario'],
    extra: Partial<LoadRunOptions>,
  ): Promise<LoadRunOutcome> => {
    // Paper 002's Tables 4-5: the stack's nodes and the gateway, sampled while k6 runs.
    const sut = await selectSutTargets(stack.home, stack.home, []);
    return runLoad(
      {
        scenario,
        baseUrl: stack.gatewayUrl,
        resultsRoot: config.runsRoot,
        username: 'provider{n}',
        password: readStackPassword(stack),
        thinkTimeSeconds: undefined,
        vusMax: undefined,
        duration: undefined,
        payloadFile: undefined,
        userCount: stack.users.providers,
        audit: {
          connectionProfile: stack.connectionProfile,
          credentialsStore: stack.credentialsStore,
          user: 'provider1',
        },
        verifyConcurrency: 16,
        extraEnv: {},
        sutTargets: sut.targets,
        sutNotMonitoredReason: sut.notMonitoredReason,
        ...extra,
      },
      io,
    );
  };

  // Table 3 first: a paper stack started here is stopped before the ramp, so the ramp has the cores to itself.
  const table3 = await onStack(config, config.table3Profile, log, async (stack) => {
    log(
      `paper 002: k6 caliper rounds ${config.rates.join('/')} TPS × ${config.transactions} on ${stack.profile}`,
    );
    const k6 = await load(stack, 'caliper', {
      extraEnv: { CALIPER_TRANSACTIONS: String(config.transactions), CALIPER_RATES: config.rates.join(',') },
    });
    log('paper 002: the same rounds with Hyperledger Caliper 0.6');
    const caliper = await runCaliper(
      {
        home: stack.home,
        rounds: roundGrid(undefined, config.rates, config.transactions),
        workers: 1,
        batchSize: 1,
        poolSize: 500,
        resultsRoot: config.runsRoot,
      },
      log,
    );
    return { k6, caliper };
  });
  const { k6: k6Caliper, caliper } = table3;
  const ramp = await onStack(config, config.rampProfile, log, (stack) => {
    log(
      `paper 000: k6 ramp 10 → ${config.vusMax} VUs over 100 s against ${stack.gatewayUrl} (${stack.profile})`,
    );
    return load(stack, 'ramp', { vusMax: config.vusMax });
  });

  const folder = createRunFolder('papers', config.resultsRoot);
  keep(ramp.runFolder, path.join(folder, 'ramp'), KEPT_LOAD_FILES);
  keep(k6Caliper.runFolder, path.join(folder, 'k6-caliper'), KEPT_LOAD_FILES);
  keep(caliper.folder, path.join(folder, 'caliper'), ['report.html', 'run.json']);
  const profiles = {
    ramp: config.rampProfile,
    table3: config.table3Profile,
    rampNote: config.rampProfile === 'dev' ? RAMP_ON_DEV_REASON : undefined,
  };
  const figures = {
    profiles,
    ramp: summaryOf(ramp),
    k6Caliper: summaryOf(k6Caliper),
    caliper: {
      ok: caliper.verdict.ok,
      rounds: caliper.verdict.rounds,
      failures: caliper.failures.slice(0, 10),
    },
  };
  writeRunJson(
    folder,
    'papers',
    { ...config, home: path.basename(config.home), paperHome: path.basename(config.paperHome) },
    figures,
  );
  const page = papersSummary({
    environment,
    command: commandLine(config),
    profiles,
    ramp: ramp.observations,
    rampAudit: ramp.acknowledged,
    rampFailures: ramp.failures,
    k6CaliperRows: caliperRows(k6Caliper.observations.requests, k6Caliper.observations.droppedIterations),
    k6CaliperAudit: k6Caliper.acknowledged,
    k6CaliperFailures: k6Caliper.failures,
    k6CaliperSut: k6Caliper.sut,
    caliperRounds: caliper.verdict.rounds,
    caliperProblems: caliperProblems(caliper),
    vusMax: config.vusMax,
  });
  writeFileSync(path.join(folder, 'README.md'), page('.'));
  writeFileSync(path.join(config.resultsRoot, 'README.md'), page(path.basename(folder)));
  log(`results: ${folder} and ${path.join(config.resultsRoot, 'README.md')}`);
  const ok = ramp.acknowledged?.missing.length === 0 && k6Caliper.acknowledged?.missing.length === 0;
  return { folder, ok };
}

/**
 * Runs `body` on the profile's stack, brought up if needed. A paper stack this command started is stopped after
 * (not purged: a re-run starts it faster): its 16 processes would otherwise share the 2 cores with what runs next.
 */
async function onStack<T>(
  config: PapersConfig,
  profile: ProfileName,
  log: (line: string) => void,
  body: (stack: StackDescription) => Promise<T>,
): Promise<T> {
  const home = profile === 'paper' ? config.paperHome : config.home;
  const wasRunning = readStackDescription(home) !== undefined && gatewayPid(home) !== undefined;
  log(`${profile} stack: ${wasRunning ? 'already running' : 'bringing it up'} in ${home}`);
  const { stack } = await stackUp({
    home,
    portOffset: config.portOffset,
    profile,
    users: { providers: config.providers, patients: 2, regulators: 1 },
    gatewayLogLevel: 'warn',
  });
  try {
    return await body(stack);
  } finally {
    if (profile === 'paper' && !wasRunning) {
      log(`paper stack: stopping it (${(await stackDown(home, false)).length} processes)`);
    }
  }
}

function keep(from: string, to: string, names: readonly string[]): void {
  mkdirSync(to, { recursive: true });
  const present = new Set(readdirSync(from));
  for (const name of names) if (present.has(name)) copyFileSync(path.join(from, name), path.join(to, name));
}

function summaryOf(outcome: LoadRunOutcome) {
  return {
    k6ExitCode: outcome.k6ExitCode,
    failures: outcome.failures,
    acknowledged:
      outcome.acknowledged === undefined
        ? null
        : { ...outcome.acknowledged, missing: outcome.acknowledged.missing.slice(0, 20) },
  };
}

function caliperProblems(result: CaliperRunResult): string[] {
  return [
    ...result.verdict.problems,
    ...result.failures.slice(0, 5).map((failure) => `${failure.count} × ${failure.call}: ${failure.reason}`),
  ];
}

function commandLine(config: PapersConfig): string {
  return [
    'npx fhirledger bench papers',
    `--ramp-profile ${config.rampProfile}`,
    `--table3-profile ${config.table3Profile}`,
    `--vus-max ${config.vusMax}`,
    `--transactions ${config.transactions}`,
    `--rates ${config.rates.join(',')}`,
  ].join(' ');
}
