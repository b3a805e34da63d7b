/**
 * One secret node of a devnet, in its own OS process (src/devnet/chain-node.ts does the wiring).
 *
 * Started as `enigma devnet _node <config.json>`; prints one JSON line (node info) on stdout when
 * ready, logs on stderr. Stops on SIGINT/SIGTERM and when its stdin closes: the parent holds stdin
 * open, so even a parent killed with SIGKILL takes its nodes with it. A node that fails to start
 * exits at once with a non-zero code (its parent is waiting for the ready line).
 */
import { readFile } from 'node:fs/promises'
import type { Address } from 'viem'
import { checkConfig } from '../node/config.ts'
import { EnigmaError } from '../common/errors.ts'
import { startChainNode } from './chain-node.ts'
import { runUntilStopped } from './run-until-stopped.ts'
import type { FaultBehaviour } from '../node/faults.ts'

export interface DevnetNodeConfig {
  /** Node configuration (src/node/config.ts keys). */
  readonly node: Record<string, unknown>
  readonly rpcUrl: string
  readonly controller: Address
  /** The records contract beside the controller (custody of stored records). */
  readonly records?: Address
  /** The state contract beside the controller (stateful contracts). */
  readonly stateContract?: Address
  /** The inputs contract beside the controller (input batches). */
  readonly inputs?: Address
  readonly chainId?: number
  /** First block to scan (the controller's deployment block). */
  readonly fromBlock?: string
  readonly pollingIntervalMs?: number
  /** Exit when stdin closes (default true; false for a node run by hand). */
  readonly watchStdin?: boolean
}

/** `fault`: the test-only misbehaviour of `enigma devnet up --fault` (src/node/faults.ts), never from the config file. */
export async function runDevnetNode(configPath: string, fault?: FaultBehaviour): Promise<number> {
  return runUntilStopped({ watchStdin: true }, async () => {
    let cfg: DevnetNodeConfig
    try {
      cfg = JSON.parse(await readFile(configPath, 'utf8')) as DevnetNodeConfig
    } catch (e) {
      throw new EnigmaError('DEVNET_CONFIG_INVALID', `cannot read node config ${configPath}: ${(e as Error).message}`)
    }
    const { node } = await startChainNode({
      config: checkConfig(cfg.node), rpcUrl: cfg.rpcUrl, controller: cfg.controller, chainId: cfg.chainId,
      fromBlock: cfg.fromBlock === undefined ? undefined : BigInt(cfg.fromBlock), pollingIntervalMs: cfg.pollingIntervalMs ?? 250, fault,
      records: cfg.records, stateContract: cfg.stateContract, inputs: cfg.inputs,
    })
    return node
  })
}
