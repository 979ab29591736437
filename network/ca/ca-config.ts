/**
 * The devnet CA's configuration: a JSON file (ca-main.ts --config) or an object (startCaServer). Validated once,
 * frozen. Paths are resolved relative to the config file's folder when loaded from a file.
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

export interface CaConfig {
  /** The CA name clients may send as `caname` (fabric-ca's ca.name). Default `ca-org1`. */
  readonly caName: string;
  /** Always 127.0.0.1 unless set otherwise. */
  readonly host: string;
  /** HTTPS (or HTTP when tls is null) API port; 0 = any free port. Default 7054. */
  readonly port: number;
  /** Operations HTTP port (GET /healthz); 0 = any free port; null = no operations server. Default 17054. */
  readonly operationsPort: number | null;
  /** Folder for persisted identities (created if missing). */
  readonly home: string;
  /** The CA's signing certificate and key (the org's ca/ca.<domain>-cert.pem and ca/priv_sk). */
  readonly caCertFile: string;
  readonly caKeyFile: string;
  /** HTTPS server certificate and key; null serves plain HTTP. */
  readonly tls: { readonly certFile: string; readonly keyFile: string } | null;
  /** The bootstrap registrar (fabric-ca-server -b admin:adminpw). */
  readonly bootstrapAdmin: { readonly id: string; readonly secret: string };
  /** Affiliation tree as fabric-ca-server-config.yaml has it: { org1: [department1, department2] }. */
  readonly affiliations: Readonly<Record<string, readonly string[]>>;
  /** registry.maxenrollments: -1 unlimited (fabric-ca's default), 0 disables enrolment. */
  readonly maxEnrollments: number;
  /** Lifetime of enrolment certificates (fabric-ca's signing.default.expiry is 8760h). */
  readonly ecertValidityDays: number;
}

export class CaConfigError extends Error {
  readonly code = 'CA_CONFIG';
  constructor(message: string) {
    super(message);
    this.name = 'CaConfigError';
  }
}

export const CA_CONFIG_DEFAULTS = {
  caName: 'ca-org1',
  host: '127.0.0.1',
  port: 7054,
  operationsPort: 17054,
  bootstrapAdmin: { id: 'admin', secret: 'adminpw' },
  affiliations: { org1: ['department1', 'department2'], org2: ['department1'] },
  maxEnrollments: -1,
  ecertValidityDays: 365,
} as const;

type Input = Partial<Omit<CaConfig, 'tls'>> & { tls?: { certFile: string; keyFile: string } | null };

/** Fills defaults and checks types; `baseDir` resolves relative paths. Throws CaConfigError. */
export function resolveCaConfig(input: Input, baseDir = process.cwd()): CaConfig {
  const need = (field: 'home' | 'caCertFile' | 'caKeyFile'): string => {
    const value = input[field];
    if (typeof value !== 'string' || value === '')
      throw new CaConfigError(`config.${field} is required (a path)`);
    return resolve(baseDir, value);
  };
  const port = (name: string, value: unknown, fallback: number): number => {
    const v = value ?? fallback;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 65535) {
      throw new CaConfigError(`config.${name} must be a port number 0..65535, got ${JSON.stringify(v)}`);
    }
    return v;
  };
  let tls: CaConfig['tls'] = null;
  if (input.tls !== undefined && input.tls !== null) {
    const { certFile, keyFile } = input.tls as { certFile?: unknown; keyFile?: unknown };
    if (typeof certFile !== 'string' || typeof keyFile !== 'string' || certFile === '' || keyFile === '') {
      throw new CaConfigError('config.tls needs certFile and keyFile (paths), or null for plain HTTP');
    }
    tls = { certFile: resolve(baseDir, certFile), keyFile: resolve(baseDir, keyFile) };
  }
  const config: CaConfig = {
    caName: input.caName ?? CA_CONFIG_DEFAULTS.caName,
    host: input.host ?? CA_CONFIG_DEFAULTS.host,
    port: port('port', input.port, CA_CONFIG_DEFAULTS.port),
    operationsPort:
      input.operationsPort === null
        ? null
        : port('operationsPort', input.operationsPort, CA_CONFIG_DEFAULTS.operationsPort),
    home: need('home'),
    caCertFile: need('caCertFile'),
    caKeyFile: need('caKeyFile'),
    tls,
    bootstrapAdmin: input.bootstrapAdmin ?? CA_CONFIG_DEFAULTS.bootstrapAdmin,
    affiliations: input.affiliations ?? CA_CONFIG_DEFAULTS.affiliations,
    maxEnrollments: input.maxEnrollments ?? CA_CONFIG_DEFAULTS.maxEnrollments,
    ecertValidityDays: input.ecertValidityDays ?? CA_CONFIG_DEFAULTS.ecertValidityDays,
  };
  if (!Number.isInteger(config.maxEnrollments) || config.maxEnrollments < -1) {
    throw new CaConfigError(
      `config.maxEnrollments must be -1, 0 or a positive integer, got ${config.maxEnrollments}`,
    );
  }
  if (!Number.isFinite(config.ecertValidityDays) || config.ecertValidityDays <= 0) {
    throw new CaConfigError(
      `config.ecertValidityDays must be a positive number, got ${config.ecertValidityDays}`,
    );
  }
  for (const [top, subs] of Object.entries(config.affiliations)) {
    if (!Array.isArray(subs) || subs.some((sub) => typeof sub !== 'string')) {
      throw new CaConfigError(`config.affiliations.${top} must be a list of names`);
    }
  }
  if (typeof config.bootstrapAdmin.id !== 'string' || typeof config.bootstrapAdmin.secret !== 'string') {
    throw new CaConfigError('config.bootstrapAdmin needs a string id and secret');
  }
  if (config.bootstrapAdmin.id === '' || config.bootstrapAdmin.secret === '') {
    throw new CaConfigError('config.bootstrapAdmin needs a non-empty id and secret');
  }
  return Object.freeze(config);
}

export async function loadCaConfigFile(file: string): Promise<CaConfig> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw new CaConfigError(`cannot read CA config ${file}: ${String(err)}`);
  }
  if (typeof parsed !== 'object' || parsed === null)
    throw new CaConfigError(`CA config ${file} is not a JSON object`);
  return resolveCaConfig(parsed, dirname(resolve(file)));
}
