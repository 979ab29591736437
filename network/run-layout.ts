/**
 * Where everything of one network run lives under its run directory: crypto material per org and node, ledger
 * data, logs, pid files and the chaincode builder. Pure path arithmetic, shared by the env builder, configtx and the
 * supervisor so they can never disagree about a path.
 */
import path from 'node:path';
import type { NetworkNode, OrgSpec } from './topology.js';

export interface TlsFiles {
  cert: string;
  key: string;
  /** The org's TLS root CA certificate. */
  rootCa: string;
}

export class RunLayout {
  readonly root: string;

  constructor(runDir: string) {
    // Fabric resolves relative paths against FABRIC_CFG_PATH, not the working directory: keep everything absolute.
    this.root = path.resolve(runDir);
  }

  orgDir(org: OrgSpec): string {
    return path.join(this.root, 'organizations', org.domain);
  }

  /** The org's verifying MSP (cacerts, tlscacerts, config.yaml with NodeOUs) that configtx points at. */
  orgMsp(org: OrgSpec): string {
    return path.join(this.orgDir(org), 'msp');
  }

  orgTlsRootCa(org: OrgSpec): string {
    return path.join(this.orgMsp(org), 'tlscacerts', 'tls-ca-cert.pem');
  }

  nodeMsp(org: OrgSpec, node: NetworkNode): string {
    return path.join(this.orgDir(org), 'nodes', node.name, 'msp');
  }

  nodeTls(org: OrgSpec, node: NetworkNode): TlsFiles {
    const tls = path.join(this.orgDir(org), 'nodes', node.name, 'tls');
    return {
      cert: path.join(tls, 'server.crt'),
      key: path.join(tls, 'server.key'),
      rootCa: this.orgTlsRootCa(org),
    };
  }

  adminMsp(org: OrgSpec): string {
    return path.join(this.orgDir(org), 'users', 'Admin', 'msp');
  }

  nodeData(node: NetworkNode): string {
    return path.join(this.root, 'data', node.name);
  }

  caHome(node: NetworkNode): string {
    return path.join(this.root, 'ca', node.name);
  }

  get configtxDir(): string {
    return path.join(this.root, 'configtx');
  }

  channelBlock(channel: string): string {
    return path.join(this.root, 'channel-artifacts', `${channel}.block`);
  }

  get ccaasBuilder(): string {
    return path.join(this.root, 'builders', 'ccaas');
  }

  get logsDir(): string {
    return path.join(this.root, 'logs');
  }

  get pidsDir(): string {
    return path.join(this.root, 'pids');
  }

  logFile(name: string): string {
    return path.join(this.logsDir, `${name}.log`);
  }

  pidFile(name: string): string {
    return path.join(this.pidsDir, `${name}.pid`);
  }
}
