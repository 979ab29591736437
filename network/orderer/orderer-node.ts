/**
 * The orderer's channels, opened from disk: for each channel a block store under `<dataDir>/chains/<channel>`,
 * a genesis block written on first start (from the channel config input, or a given config block), the channel
 * config read back from block 0, and a chain resumed at the stored height. Servers (gRPC, operations) take this
 * as their ChannelLookup; the process entry that loads MSP material builds the signer and validator.
 */
import { join } from 'node:path';
import type { IdentityValidator, SigningIdentity } from '../msp/types.js';
import { FileBlockStore } from '../ledger/block-store.js';
import { decodeConfigBlock } from '../protocol/channel-config-decode.js';
import { buildGenesisBlock, type ChannelConfigInput } from '../protocol/channel-config.js';
import type { ChannelLookup } from './broadcast.js';
import { readChainTip } from './chain-tip.js';
import { ChannelChain } from './channel-chain.js';
import { OrdererMetrics } from './metrics.js';
import { InProcessOrderingLog, type OrderingLog } from './ordering-log.js';

export type ChannelSource =
  { readonly config: ChannelConfigInput } | { readonly channelId: string; readonly genesisBlock: Uint8Array };

export interface OrdererNodeOptions {
  readonly dataDir: string;
  readonly signer: SigningIdentity;
  readonly identities: IdentityValidator;
  readonly channels: readonly ChannelSource[];
  /**
   * Default: the in-process log (single orderer, dev profile). A replicated log starts reading after
   * `resumeAfter`, the log position the stored chain's last block was cut at.
   */
  readonly logFactory?: (channelId: string, resumeAfter: number) => OrderingLog;
  readonly metrics?: OrdererMetrics;
  readonly onChainError?: (channelId: string, error: Error) => void;
}

export class OrdererConfigError extends Error {
  readonly code = 'ORDERER_CONFIG';
  constructor(message: string) {
    super(message);
    this.name = 'OrdererConfigError';
  }
}

/** Fabric's channel name rule (configtx.ValidateChannelID); also keeps the name safe as a directory. */
const CHANNEL_ID = /^[a-z][a-z0-9.-]{0,248}$/;

export class OrdererNode implements ChannelLookup {
  private constructor(
    private readonly chains: ReadonlyMap<string, ChannelChain>,
    readonly metrics: OrdererMetrics,
    readonly identities: IdentityValidator,
  ) {}

  static async open(options: OrdererNodeOptions): Promise<OrdererNode> {
    const metrics = options.metrics ?? new OrdererMetrics();
    const chains = new Map<string, ChannelChain>();
    try {
      for (const source of options.channels) {
        const channelId = 'config' in source ? source.config.channelId : source.channelId;
        if (!CHANNEL_ID.test(channelId))
          throw new OrdererConfigError(`channel name '${channelId}' contains illegal characters`);
        if (chains.has(channelId)) throw new OrdererConfigError(`channel ${channelId} is configured twice`);
        const { store } = await FileBlockStore.open(join(options.dataDir, 'chains', channelId));
        try {
          if (store.height() === 0) {
            const genesis = 'config' in source ? buildGenesisBlock(source.config).bytes : source.genesisBlock;
            await store.append(0, genesis);
          }
          const genesisBytes = await store.get(0);
          if (!genesisBytes) throw new OrdererConfigError(`channel ${channelId} has no block 0`);
          // The ledger's own config wins over the input on restart, as a joined Fabric orderer ignores configtx.yaml.
          const config = decodeConfigBlock(genesisBytes);
          if (config.channelId !== channelId) {
            throw new OrdererConfigError(
              `genesis block is for channel ${config.channelId}, not ${channelId}`,
            );
          }
          const tip = await readChainTip(store);
          const chain = new ChannelChain({
            channelId,
            config,
            store,
            log: options.logFactory?.(channelId, tip.logPosition ?? 0) ?? new InProcessOrderingLog(),
            signer: options.signer,
            tip,
            metrics,
            onError: (error) => options.onChainError?.(channelId, error),
          });
          chains.set(channelId, chain);
        } catch (error) {
          await store.close();
          throw error;
        }
      }
    } catch (error) {
      await Promise.all([...chains.values()].map((chain) => chain.close()));
      throw error;
    }
    return new OrdererNode(chains, metrics, options.identities);
  }

  getChannel(channelId: string): ChannelChain | undefined {
    return this.chains.get(channelId);
  }

  channelIds(): string[] {
    return [...this.chains.keys()];
  }

  /** Components that are not OK, for /healthz. */
  failedChecks(): { component: string; reason: string }[] {
    return [...this.chains.values()].flatMap((chain) =>
      chain.error ? [{ component: `channel:${chain.channelId}`, reason: chain.error.message }] : [],
    );
  }

  async close(): Promise<void> {
    await Promise.all([...this.chains.values()].map((chain) => chain.close()));
  }
}
