/**
 * listen() and graceful shutdown, kept apart from buildApp(): on SIGTERM/SIGINT the server stops accepting
 * connections, answers requests arriving on open keep-alive connections with 503, lets in-flight requests finish
 * within the grace period, then exits.
 */
import type { FastifyInstance } from 'fastify';

export interface RunningGateway {
  address: string;
  /** Resolves when closed (in-flight requests finished, or the grace period ran out). */
  close: () => Promise<'drained' | 'grace-expired'>;
}

export async function listenGateway(
  app: FastifyInstance,
  options: { host: string; port: number; shutdownGraceMs: number },
): Promise<RunningGateway> {
  const address = await app.listen({ host: options.host, port: options.port });
  let closing: Promise<'drained' | 'grace-expired'> | undefined;
  const close = () => {
    closing ??= new Promise((resolve) => {
      const timer = setTimeout(() => {
        resolve('grace-expired');
      }, options.shutdownGraceMs);
      void app.close().then(() => {
        clearTimeout(timer);
        resolve('drained');
      });
    });
    return closing;
  };
  return { address, close };
}

/** Resolves with the signal's name the first time SIGTERM or SIGINT arrives. */
export function shutdownSignal(): Promise<string> {
  return new Promise((resolve) => {
    const handler = (signal: string) => {
      process.off('SIGTERM', handler);
      process.off('SIGINT', handler);
      resolve(signal);
    };
    process.on('SIGTERM', handler);
    process.on('SIGINT', handler);
  });
}
