/**
 * The SUT monitor around one k6 run: start it on the selected processes, and afterwards write sut.json (the raw
 * recording) and sut.svg next to report.md. On a machine without /proc or getconf nothing is monitored and the
 * report says why; a load run never fails because of its monitor.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { linuxProcSource } from './proc-reader.js';
import { sutChartSvg } from './sut-chart.js';
import type { SutReportInput } from './sut-report.js';
import { startSutMonitor, type SutMonitor, type SutTarget } from './sut-sampler.js';

export const SUT_RAW_FILE = 'sut.json';
export const SUT_CHART_FILE = 'sut.svg';

export interface SutMonitoring {
  monitor: SutMonitor | undefined;
  notMonitoredReason: string;
}

export async function startMonitoring(
  targets: readonly SutTarget[],
  notMonitoredReason: string,
): Promise<SutMonitoring> {
  try {
    return { monitor: await startSutMonitor(targets, linuxProcSource()), notMonitoredReason };
  } catch (error) {
    return {
      monitor: undefined,
      notMonitoredReason: `the monitor could not start (${error instanceof Error ? error.message : String(error)})`,
    };
  }
}

export async function finishMonitoring(
  monitoring: SutMonitoring,
  runFolder: string,
  title: string,
): Promise<SutReportInput> {
  const recording = await monitoring.monitor?.stop();
  if (recording !== undefined) {
    writeFileSync(path.join(runFolder, SUT_RAW_FILE), `${JSON.stringify(recording, null, 1)}\n`);
    writeFileSync(path.join(runFolder, SUT_CHART_FILE), await sutChartSvg(recording, title));
  }
  return {
    recording,
    rawFile: SUT_RAW_FILE,
    chartFile: SUT_CHART_FILE,
    notMonitoredReason: monitoring.notMonitoredReason,
  };
}
