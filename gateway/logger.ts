/**
 * The gateway's pino logger. Log lines are built to carry no PHI or secrets (route templates, codes, ids), and
 * this is the second line of defence if a future line forgets: credential-shaped fields are censored wherever
 * they appear, and errors are reduced to name and code because their messages can quote bodies or claims.
 */
import { pino, type DestinationStream, type Logger } from 'pino';

/** Field paths (pino redact syntax) censored in every log line. */
export const REDACTED_LOG_PATHS: readonly string[] = [
  'authorization',
  'password',
  'client_secret',
  'access_token',
  'token',
  'body',
  'payload',
  'signingKeyPem',
  'headers',
  'req.headers',
  'req.body',
  'query',
  'url',
  '*.authorization',
  '*.password',
  '*.client_secret',
  '*.access_token',
  '*.token',
  '*.body',
  '*.payload',
  '*.signingKeyPem',
  '*.headers',
  '*.query',
  '*.url',
];

interface SafeError {
  type: string;
  code?: string;
}

/** Name and code only: messages and causes may quote record content, JSON bodies or token claims. */
export function safeError(error: unknown): SafeError | undefined {
  if (error === undefined || error === null) return undefined;
  if (typeof error !== 'object') return { type: typeof error };
  const { name, code } = error as { name?: unknown; code?: unknown };
  return {
    type: typeof name === 'string' ? name : 'Error',
    ...(typeof code === 'string' ? { code } : {}),
  };
}

export function createGatewayLogger(level: string, destination: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { component: 'gateway' },
      redact: { paths: [...REDACTED_LOG_PATHS], censor: '[redacted]' },
      serializers: { err: safeError, error: safeError },
    },
    destination,
  );
}
