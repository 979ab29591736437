/**
 * The one way every fhirledger command reads its flags: long flags only, `--help` everywhere, and an unknown flag
 * or bad value is a UsageError (exit 2) whose message names the flag. Built on node:util parseArgs.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ConfigError } from './config-table.js';

/**
 * The same in every command: 0 ok; 1 an unexpected failure; 2 usage, configuration, or a target the command cannot
 * reach; 3 the command finished and what it found is not all right (input rejected, a ledger that differs from the
 * input, an SLO crossed, a node down) — an expected, explained state, never 1.
 */
export const ExitCode = {
  OK: 0,
  FAILURE: 1,
  USAGE: 2,
  FINISHED_WITH_FINDINGS: 3,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export class UsageError extends Error {
  readonly code = 'USAGE';
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface FlagSpec {
  type: 'string' | 'boolean';
  multiple?: boolean;
  default?: string | boolean | string[];
  /** One line for --help, e.g. 'records per CreateRecords call (default 200)'. */
  description: string;
  /** Placeholder shown in --help, e.g. 'N'. */
  valueName?: string;
}

export interface CommandSpec {
  /** e.g. 'fhirledger generate' */
  usage: string;
  summary: string;
  flags: Record<string, FlagSpec>;
  /** Whether bare words after the flags are allowed (e.g. `fhirledger load smoke`). */
  positionals?: boolean;
}

export interface ParsedArgs {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
  help: boolean;
}

export function parseCommandArgs(spec: CommandSpec, argv: readonly string[]): ParsedArgs {
  const options: NonNullable<ParseArgsConfig['options']> = { help: { type: 'boolean' } };
  for (const [name, flag] of Object.entries(spec.flags)) {
    options[name] = flag.multiple === true ? { type: flag.type, multiple: true } : { type: flag.type };
  }
  try {
    const parsed = parseArgs({
      args: [...argv],
      options,
      strict: true,
      allowPositionals: spec.positionals === true,
    });
    const values: ParsedArgs['values'] = {};
    for (const [name, flag] of Object.entries(spec.flags)) {
      values[name] = (parsed.values[name] as ParsedArgs['values'][string]) ?? flag.default;
    }
    return { values, positionals: parsed.positionals, help: parsed.values.help === true };
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

export function helpText(spec: CommandSpec): string {
  const rows = Object.entries(spec.flags).map(([name, flag]) => {
    const left = flag.type === 'string' ? `--${name} ${flag.valueName ?? 'VALUE'}` : `--${name}`;
    return `  ${left.padEnd(30)} ${flag.description}`;
  });
  rows.push(`  ${'--help'.padEnd(30)} show this help`);
  return `Usage: ${spec.usage}\n\n${spec.summary}\n\nOptions:\n${rows.join('\n')}\n`;
}

/** Reads a flag that must be a whole number in [min, max]; the error names the flag and the value given. */
export function intFlag(values: ParsedArgs['values'], name: string, min: number, max: number): number {
  const raw = values[name];
  const text = typeof raw === 'string' ? raw : String(raw);
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new UsageError(`--${name} "${text}" is not a whole number from ${min} to ${max}`);
  }
  return value;
}

/** Reads a comma-separated list of whole numbers, each in [min, max] ("4,8,16"); the error names the flag. */
export function intListFlag(values: ParsedArgs['values'], name: string, min: number, max: number): number[] {
  return String(values[name])
    .split(',')
    .map((text) => {
      const value = Number(text);
      if (text.trim() === '' || !Number.isInteger(value) || value < min || value > max)
        throw new UsageError(`--${name} "${text}" is not a whole number from ${min} to ${max}`);
      return value;
    });
}

export function numberFlag(values: ParsedArgs['values'], name: string, min: number, max: number): number {
  const raw = values[name];
  const text = typeof raw === 'string' ? raw : String(raw);
  const value = Number(text);
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new UsageError(`--${name} "${text}" is not a number from ${min} to ${max}`);
  }
  return value;
}

export function stringFlag(values: ParsedArgs['values'], name: string): string | undefined {
  const raw = values[name];
  return typeof raw === 'string' ? raw : undefined;
}

export type CommandConfig<T> = { config: T } | { exitCode: ExitCode };

/** Where a command writes; the process's streams unless a test passes its own. */
export interface CommandOutput {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

/**
 * Reads a command's flags into its config the one way every command does: `--help` prints the help on stdout
 * (exit 0); a usage or config error prints `<command>: <what was wrong>` and the help on stderr (exit 2).
 */
export function readCommandConfig<T>(
  command: string,
  spec: CommandSpec,
  argv: readonly string[],
  toConfig: (args: ParsedArgs) => T,
  io: CommandOutput = process,
): CommandConfig<T> {
  try {
    const args = parseCommandArgs(spec, argv);
    if (args.help) {
      io.stdout.write(helpText(spec));
      return { exitCode: ExitCode.OK };
    }
    return { config: toConfig(args) };
  } catch (error) {
    if (error instanceof UsageError || error instanceof ConfigError) {
      io.stderr.write(`${command}: ${error.message}\n\n${helpText(spec)}`);
      return { exitCode: ExitCode.USAGE };
    }
    throw error;
  }
}
