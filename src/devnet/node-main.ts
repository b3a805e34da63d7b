/**
 * One secret node of a devnet, in its own OS process: the node layer's `SecretNode` with the chain
 * layer's `ChainTaskSource` plugged in (DESIGN.md §5: the node never imports the chain; the wiring
 * lives up here). The node's own account (from its key file) submits receipts when it is the
 * designated aggregator, so it must hold a little ether for gas.
 *
 * Started as `enigma devnet _node <config.json>`; prints one JSON line (node info) on stdout when
 * ready, logs on stderr. Stops on SIGINT/SIGTERM and when its stdin closes: the parent holds stdin
 * open, so even a parent killed with SIGKILL takes its nodes with it.
 */
import { readFile } from 'node:fs/promises'
import { createPublicClient, createWalletClient, http, type Address } from 'viem'
import { hardhat } from 'viem/chains'
import { checkConfig } from '../node/config.ts'
import { loadOrCreateIdentity } from '../node/identity.ts'
import { SecretNode } from '../node/secret-node.ts'
import { engineCompute } from '../node/engine-adapter.ts'
import { ChainTaskSource } from '../chain/task-source.ts'
import { EnigmaError } from '../common/errors.ts'
import { AttestationGossipSource } from './attestation-gossip.ts'

export interface DevnetNodeConfig {
  /** Node configuration (src/node/config.ts keys). */
  readonly node: Record<string, unknown>
  readonly rpcUrl: string
  readonly controller: Address
  readonly pollingIntervalMs?: number
  /** Exit when stdin closes (default true; false for a node run by hand). */
  readonly watchStdin?: boolean
}

export async function runDevnetNode(configPath: string): Promise<number> {
  let cfg: DevnetNodeConfig
  try {
    cfg = JSON.parse(await readFile(configPath, 'utf8')) as DevnetNodeConfig
  } catch (e) {
    throw new EnigmaError('DEVNET_CONFIG_INVALID', `cannot read node config ${configPath}: ${(e as Error).message}`)
  }
  const config = checkConfig(cfg.node)
  const { identity } = await loadOrCreateIdentity(config.dataDir)
  const transport = http(cfg.rpcUrl, { retryCount: 2 })
  const pollingInterval = cfg.pollingIntervalMs ?? 250
  const client = createPublicClient({ chain: hardhat, transport, pollingInterval: 100 })
  const submitter = createWalletClient({ chain: hardhat, transport, account: identity.account, pollingInterval: 100 })
  let node: SecretNode | undefined
  const chainSource = new ChainTaskSource({
    client, address: cfg.controller, submitter, pollingIntervalMs: pollingInterval, fallbackDelayMs: 5_000,
    onError: (e) => node?.log.warn('chain source', { err: e }),
  })
  const source = new AttestationGossipSource(chainSource, () => node)
  node = new SecretNode(config, { compute: engineCompute, source })
  const n = node
  const stopped = new Promise<void>((resolve) => {
    let stopping = false
    const stop = (why: string) => {
      if (stopping) return
      stopping = true
      n.log.info('stopping', { why })
      // A wedged stop must not keep the process alive: the devnet waits for the exit.
      setTimeout(() => process.exit(1), 10_000).unref()
      void n.stop().finally(resolve)
    }
    process.once('SIGINT', () => stop('SIGINT'))
    process.once('SIGTERM', () => stop('SIGTERM'))
    if (cfg.watchStdin !== false) {
      process.stdin.on('end', () => stop('parent gone'))
      process.stdin.on('error', () => stop('parent gone'))
      process.stdin.resume()
    }
  })
  try {
    await n.start()
    source.listen()
  } catch (e) {
    await n.stop()
    throw e
  }
  console.log(JSON.stringify(n.info()))
  await stopped
  process.stdin.destroy()
  return 0
}
