/** What every subcommand module exports: run with the words after the subcommand, resolve to the exit code. */
export type CommandRunner = (argv: readonly string[]) => Promise<number>;
