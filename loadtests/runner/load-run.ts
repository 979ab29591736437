/**
 * One load run from start to finish: k6 with the dashboard on 127.0.0.1, then the report, then the
 * acknowledged-create check, then the verdict. The composition root (cli.ts) supplies the k6 binary and streams.
 */
import { readFileSync, existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { createRunFolder, portablePath, writeRunJson } from '../../bench/run-folder.js';
import { openAuditLedger, type AuditLedgerAccess } from './audit-ledger.js';
import { freeLoopbackPort } from './free-port.js';
import { runK6 } from './k6-process.js';
import { parseK6Summary, thresholdOutcomes, type K6Summary } from './k6-summary.js';
import type { LoadObservations } from './observations.js';
import { readPointsFile } from './points-file.js';
import { auditAcknowledgedWrites, auditLine, type AcknowledgedCheck } from './ledger-audit.js';
import { buildReport, operationStats } from './report.js';
import type { SutReportInput } from './sut/sut-report.js';
import { scenarioScript, type ScenarioName } from './scenario-scripts.js';
import { finishMonitoring, startMonitoring } from './sut/sut-run.js';
import type { SutTarget } from './sut/sut-sampler.js';
import { sutRows, type SutRow } from './sut/sut-summary.js';
import { buildTimeline } from './timeline.js';
import { timelineChartSvg } from './timeline-chart.js';

export interface LoadRunOptions {
  scenario: ScenarioName;
  baseUrl: string;
  resultsRoot: string;
  username: string;
  password: string;
  thinkTimeSeconds: number | undefined;
  vusMax: number | undefined;
  /** Smoke/soak steady-phase length, a k6 duration. */
  duration: string | undefined;
  payloadFile: string | undefined;
  userCount: number | undefined;
  /** Where the acknowledged-write audit reads the ledger; undefined skips it (--skip-verify). */
  audit: AuditLedgerAccess | undefined;
  verifyConcurrency: number;
  /** More `__ENV` for the script (e.g. SMOKE_VUS, CALIPER_RATES). */
  extraEnv: Record<string, string>;
  /** Processes of the system under test sampled while k6 runs (k6 itself is always added). */
  sutTargets: SutTarget[];
  /** Shown in the report when sutTargets is empty. */
  sutNotMonitoredReason: string;
}

export interface LoadRunIo {
  k6Binary: string;
  k6Version: string;
  /** Results: the run folder, the nothing-lost line, the verdict. */
  stdout: Writable;
  /** k6's own output and progress. */
  log: Writable;
}

export interface LoadRunOutcome {
  /**
   * 0 every SLO held and nothing acknowledged was lost; 3 the run finished with findings (an SLO crossed, an
   * acknowledged write missing); 1 it did not finish as planned (k6 failed otherwise: a script error, an abort).
   */
  exitCode: 0 | 1 | 3;
  runFolder: string;
  k6ExitCode: number;
  acknowledged: AcknowledgedCheck | undefined;
  /** Human-readable reasons for a non-zero exit. */
  failures: string[];
  /** The run's raw requests, VU samples and acknowledged writes, for callers that tabulate them otherwise. */
  observations: LoadObservations;
  /** Resource use per system-under-test process (paper 002 Tables 4–5); null when nothing was monitored. */
  sut: SutRow[] | null;
}

const BUCKET_SECONDS = 5;

/**
 * What the script sees as `__ENV` (k6 passes its process environment through): the caller's environment, then
 * extraEnv, then the runner's flags. cli.ts checks this before k6 starts (loadtests/lib/env-rules.ts).
 */
export function scriptEnvironment(options: LoadRunOptions, base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...base,
    ...options.extraEnv,
    BASE_URL: options.baseUrl,
    LOAD_USERNAME: options.username,
    LOAD_PASSWORD: options.password,
  };
  if (options.thinkTimeSeconds !== undefined) env.THINK_TIME = String(options.thinkTimeSeconds);
  if (options.vusMax !== undefined) env.VUS_MAX = String(options.vusMax);
  if (options.duration !== undefined) {
    env.SMOKE_DURATION = options.duration;
    env.SOAK_DURATION = options.duration;
  }
  if (options.payloadFile !== undefined) env.PAYLOAD_FILE = path.resolve(options.payloadFile);
  if (options.userCount !== undefined) env.LOAD_USER_COUNT = String(options.userCount);
  return env;
}

function k6Environment(options: LoadRunOptions, runFolder: string, dashboardPort: number): NodeJS.ProcessEnv {
  return {
    ...scriptEnvironment(options, process.env),
    K6_WEB_DASHBOARD: 'true',
    // The dashboard serves live metrics without authentication: loopback only, always.
    K6_WEB_DASHBOARD_HOST: '127.0.0.1',
    K6_WEB_DASHBOARD_PORT: String(dashboardPort),
    K6_WEB_DASHBOARD_EXPORT: path.join(runFolder, 'dashboard.html'),
    K6_WEB_DASHBOARD_PERIOD: process.env.K6_WEB_DASHBOARD_PERIOD ?? '2s',
    K6_NO_USAGE_REPORT: 'true',
  };
}

function line(stream: Writable, text: string): void {
  stream.write(`${text}\n`);
}

export async function runLoad(options: LoadRunOptions, io: LoadRunIo): Promise<LoadRunOutcome> {
  const script = scenarioScript(options.scenario);
  const runFolder = path.resolve(createRunFolder(options.scenario, options.resultsRoot));
  const startedAt = new Date().toISOString();
  let sut: SutReportInput;
  const summaryFile = path.join(runFolder, 'summary.json');
  const pointsFile = path.join(runFolder, 'points.json.gz');
  const dashboardPort = await freeLoopbackPort();
  line(
    io.log,
    `k6 ${options.scenario} → ${options.baseUrl}; dashboard http://127.0.0.1:${dashboardPort}; results ${runFolder}`,
  );

  const monitoring = await startMonitoring(options.sutTargets, options.sutNotMonitoredReason);
  let k6ExitCode: number;
  try {
    k6ExitCode = await runK6({
      binary: io.k6Binary,
      args: ['run', '--quiet', '--summary-export', summaryFile, '--out', `json=${pointsFile}`, script],
      env: k6Environment(options, runFolder, dashboardPort),
      cwd: path.dirname(script),
      log: io.log,
      onSpawn: (pid) => {
        monitoring.monitor?.add({ name: 'k6', role: 'load generator', pid });
      },
    });
  } finally {
    // Stopped before the acknowledged-write audit, whose ledger reads would otherwise count as load.
    sut = await finishMonitoring(monitoring, runFolder, `${options.scenario}: system under test`);
  }

  const failures: string[] = [];
  /** Set when k6 failed for a reason other than a crossed threshold: the run's findings are incomplete. */
  let unexpected = false;
  let summary: K6Summary | undefined;
  if (existsSync(summaryFile)) summary = parseK6Summary(readFileSync(summaryFile, 'utf8'), summaryFile);
  if (k6ExitCode === 99) {
    const crossed = summary === undefined ? [] : thresholdOutcomes(summary).filter((t) => t.crossed);
    failures.push(
      `SLO breached (k6 exit 99): ${crossed.map((t) => `${t.metric} ${t.expression}`).join(', ') || 'see k6 output'}`,
    );
  } else if (k6ExitCode !== 0) {
    unexpected = true;
    failures.push(
      `k6 exited ${k6ExitCode} (107 = script error, 108 = aborted, e.g. setup() found the target down)`,
    );
  }

  const observations = existsSync(pointsFile)
    ? await readPointsFile(pointsFile)
    : { requests: [], vus: [], acknowledged: [], failures: [], droppedIterations: {} };

  let acknowledged: AcknowledgedCheck | undefined;
  if (options.audit !== undefined) {
    const audit = await openAuditLedger(options.audit);
    try {
      acknowledged = await auditAcknowledgedWrites({
        ledger: audit.ledger,
        writes: observations.acknowledged,
        concurrency: options.verifyConcurrency,
      });
    } finally {
      audit.close();
    }
    line(io.stdout, `acknowledged-write audit: ${auditLine(acknowledged)}`);
    if (acknowledged.missing.length > 0)
      failures.push(
        `${acknowledged.missing.length} acknowledged write(s) not on the ledger, e.g. ${acknowledged.missing.slice(0, 3).join('; ')}`,
      );
  }

  if (summary !== undefined) {
    const timelineFile = 'timeline.svg';
    const timeline = buildTimeline(observations, BUCKET_SECONDS);
    writeFileSync(
      path.join(runFolder, timelineFile),
      await timelineChartSvg(timeline, `${options.scenario} against ${options.baseUrl}`, BUCKET_SECONDS),
    );
    const report = buildReport({
      scenario: options.scenario,
      baseUrl: options.baseUrl,
      startedAt,
      k6Version: io.k6Version,
      k6ExitCode,
      summary,
      observations,
      acknowledged,
      bucketSeconds: BUCKET_SECONDS,
      timelineSvg: timelineFile,
      dashboardHtml: existsSync(path.join(runFolder, 'dashboard.html')) ? 'dashboard.html' : undefined,
      sut,
    });
    writeFileSync(path.join(runFolder, 'report.md'), report);
  }
  const sutFigures = sut.recording === undefined ? null : sutRows(sut.recording);
  const sutNodes = sutFigures === null ? null : sutFigures.sut;
  writeRunJson(
    runFolder,
    `load-${options.scenario}`,
    {
      ...options,
      password: '***',
      k6: io.k6Version,
      script: portablePath(script),
      audit:
        options.audit === undefined
          ? undefined
          : {
              ...options.audit,
              connectionProfile: portablePath(options.audit.connectionProfile),
              credentialsStore: portablePath(options.audit.credentialsStore),
            },
    },
    {
      k6ExitCode,
      operations: operationStats(observations.requests),
      acknowledged:
        acknowledged === undefined ? null : { ...acknowledged, missing: acknowledged.missing.slice(0, 100) },
      sut: sutFigures,
      failures,
    },
  );

  line(io.stdout, `run folder: ${runFolder}`);
  for (const failure of failures) line(io.stdout, `FAILED: ${failure}`);
  if (failures.length === 0) line(io.stdout, 'PASSED: every SLO held and nothing acknowledged was lost');
  return {
    exitCode: unexpected ? 1 : failures.length === 0 ? 0 : 3,
    runFolder,
    k6ExitCode,
    acknowledged,
    failures,
    observations,
    sut: sutNodes,
  };
}
