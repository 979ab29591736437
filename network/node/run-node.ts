/**
 * Shared lifecycle of a devnet node process: start it, log a line per event on stderr with a timestamp, close it
 * cleanly on SIGTERM/SIGINT, and exit non-zero with the reason when it cannot start or crashes.
 */
export function runNode(
  kind: string,
  start: (log: (line: string) => void) => Promise<{ close(): Promise<void> }>,
): void {
  const log = (line: string) => {
    process.stderr.write(`${new Date().toISOString()} ${kind} ${line}\n`);
  };
  start(log).then(
    (node) => {
      let closing = false;
      const shutdown = (signal: string) => {
        if (closing) return;
        closing = true;
        log(`${signal}: shutting down`);
        node.close().then(
          () => process.exit(0),
          (error: unknown) => {
            log(`shutdown failed: ${error instanceof Error ? error.message : String(error)}`);
            process.exit(1);
          },
        );
      };
      process.on('SIGTERM', () => {
        shutdown('SIGTERM');
      });
      process.on('SIGINT', () => {
        shutdown('SIGINT');
      });
    },
    (error: unknown) => {
      log(`failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      process.exit(1);
    },
  );
  process.on('uncaughtException', (error) => {
    log(`crashed: ${error.stack ?? error.message}`);
    process.exit(1);
  });
}
