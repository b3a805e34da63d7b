/**
 * A deployed controller on a fresh local `hardhat node`, for tests (chain and end-to-end). Accounts:
 * 0 deploys and owns the controller, 1 is the treasury, the rest are free for nodes and clients.
 *
 *   const fx = await startControllerFixture()
 *   try { ... } finally { await fx.stop() }
 */
import {
  createPublicClient, createTestClient, createWalletClient, http, keccak256, stringToHex,
  type Account, type Address, type Chain, type Hex, type PublicClient, type TestClient, type Transport, type WalletClient,
} from 'viem'
import { hardhat } from 'viem/chains'
import { startHardhatNode, hardhatAccount, type HardhatNode, type StartHardhatNodeOptions } from './hardhat-node.ts'
import { deployController, type ControllerConfig } from '../actions/deployController.ts'
import { registerNode } from '../actions/registerNode.ts'
import { setActive } from '../actions/setActive.ts'
import { createTask, type CreateTaskParameters, type CreateTaskReturnType } from '../actions/createTask.ts'
import { drawCommittee } from '../actions/drawCommittee.ts'
import type { ReceiptDomain } from '../../node/task-source.ts'
import { LOCAL_CONTROLLER_CONFIG } from './local-config.ts'
import { rpcFetch } from '../rpc-fetch.ts'

export type FixtureWallet = WalletClient<Transport, Chain, Account>

/** The chain tests' controller configuration: the devnet's too (local-config.ts). */
export const TEST_CONFIG: ControllerConfig = LOCAL_CONTROLLER_CONFIG

export interface ControllerFixture {
  readonly chain: HardhatNode
  readonly address: Address
  readonly config: ControllerConfig
  readonly domain: ReceiptDomain
  readonly publicClient: PublicClient<Transport, Chain>
  readonly testClient: TestClient<'hardhat', Transport, Chain>
  /** Wallet client of hardhat account i. */
  wallet(index: number): FixtureWallet
  /** Block timestamp of the latest block. */
  now(): Promise<bigint>
  /** Moves chain time forward and mines a block. */
  advance(seconds: bigint): Promise<void>
  /** Mines `blocks` empty blocks (the draw block of a task must be mined before drawCommittee). */
  mine(blocks: number): Promise<void>
  stop(): Promise<void>
}

export interface StartControllerFixtureOptions extends StartHardhatNodeOptions {
  readonly config?: Partial<ControllerConfig>
}

export async function startControllerFixture(options: StartControllerFixtureOptions = {}): Promise<ControllerFixture> {
  const chainNode = await startHardhatNode(options)
  try {
    // retryCount 0: a revert is an answer, not a transient failure.
    const transport = http(chainNode.url, { retryCount: 0, fetchFn: rpcFetch() })
    const publicClient = createPublicClient({ chain: hardhat, transport, pollingInterval: 50 })
    const testClient = createTestClient({ chain: hardhat, mode: 'hardhat', transport })
    const wallets = new Map<number, FixtureWallet>()
    const wallet = (index: number): FixtureWallet => {
      let w = wallets.get(index)
      if (!w) {
        w = createWalletClient({ chain: hardhat, transport, account: hardhatAccount(index), pollingInterval: 50 })
        wallets.set(index, w)
      }
      return w
    }
    const config = { ...TEST_CONFIG, ...options.config }
    const { address } = await deployController(wallet(0), config)
    const now = async () => (await publicClient.getBlock()).timestamp
    return {
      chain: chainNode, address, config, domain: { chainId: hardhat.id, verifyingContract: address },
      publicClient, testClient, wallet, now,
      async advance(seconds) {
        await testClient.increaseTime({ seconds: Number(seconds) })
        await testClient.mine({ blocks: 1 })
      },
      async mine(blocks) {
        await testClient.mine({ blocks })
      },
      stop: () => chainNode.stop(),
    }
  } catch (e) {
    await chainNode.stop()
    throw e
  }
}

/** Deterministic fake node identity for account i (peer id and X25519 key are placeholders for tests). */
export function fakeIdentity(index: number): { peerId: string; encryptionKey: Hex; multiaddrs: string[] } {
  return {
    peerId: `12D3KooWTestNode${index}`,
    encryptionKey: keccak256(stringToHex(`x25519-${index}`)),
    multiaddrs: [`/ip4/127.0.0.1/tcp/${40000 + index}`],
  }
}

/** Registers and activates hardhat accounts as nodes with the given stakes. */
export async function registerActiveNodes(fx: ControllerFixture, accounts: readonly number[], stakes: readonly bigint[]): Promise<Address[]> {
  const out: Address[] = []
  for (const [i, index] of accounts.entries()) {
    const w = fx.wallet(index)
    await registerNode(w, { address: fx.address, ...fakeIdentity(index), stake: stakes[i] ?? stakes[0]! })
    await setActive(w, { address: fx.address, active: true })
    out.push(w.account.address)
  }
  return out
}

export interface DrawnTask extends CreateTaskReturnType {
  readonly seed: Hex
  readonly committee: readonly Address[]
  readonly drawGas: bigint
}

/** createTask, mine the draw block (a devnet advances only on transactions), then drawCommittee. */
export async function createDrawnTask(fx: ControllerFixture, creator: FixtureWallet, params: CreateTaskParameters, drawer: FixtureWallet = creator): Promise<DrawnTask> {
  const created = await createTask(creator, params)
  const latest = await fx.publicClient.getBlockNumber({ cacheTime: 0 })
  if (latest < created.drawBlock) await fx.mine(Number(created.drawBlock - latest))
  const drawn = await drawCommittee(drawer, { address: params.address, taskId: created.taskId })
  if (!drawn.drawn) throw new Error(`draw of ${created.taskId} was re-targeted`)
  return { ...created, seed: drawn.seed, committee: drawn.committee, drawGas: drawn.gasUsed }
}
