/**
 * The Hardhat network in this process (no `hardhat node` child, no HTTP): viem clients over
 * `hre.network.provider`, for tests that send thousands of transactions (the invariant tests).
 * Hardhat is loaded with the repo's hardhat.config.cjs; it never compiles (STACK-NOTES "Chain").
 */
import { createRequire } from 'node:module'
import { join } from 'node:path'
import {
  createPublicClient, createTestClient, createWalletClient, custom,
  type Account, type Chain, type PublicClient, type TestClient, type Transport, type WalletClient, type EIP1193Provider,
} from 'viem'
import { hardhat } from 'viem/chains'
import { repoRoot } from '../compile.ts'
import { hardhatAccount } from './hardhat-node.ts'

export interface InProcessChain {
  readonly transport: Transport
  readonly publicClient: PublicClient<Transport, Chain>
  readonly testClient: TestClient<'hardhat', Transport, Chain>
  wallet(index: number): WalletClient<Transport, Chain, Account>
  /** Back to the state of `snapshot()` (evm_revert), for a fresh chain per run without a restart. */
  snapshot(): Promise<() => Promise<void>>
}

let shared: InProcessChain | undefined

export function inProcessChain(): InProcessChain {
  if (shared) return shared
  process.env.HARDHAT_CONFIG = join(repoRoot, 'hardhat.config.cjs')
  process.env.HARDHAT_DISABLE_TELEMETRY_PROMPT = 'true'
  const require = createRequire(import.meta.url)
  const hre = require('hardhat') as { network: { provider: EIP1193Provider } }
  const transport = custom(hre.network.provider, { retryCount: 0 })
  const publicClient = createPublicClient({ chain: hardhat, transport, pollingInterval: 1 })
  const testClient = createTestClient({ chain: hardhat, mode: 'hardhat', transport })
  const wallets = new Map<number, WalletClient<Transport, Chain, Account>>()
  shared = {
    transport, publicClient, testClient,
    wallet(index) {
      let w = wallets.get(index)
      if (!w) wallets.set(index, (w = createWalletClient({ chain: hardhat, transport, account: hardhatAccount(index), pollingInterval: 1 })))
      return w
    },
    async snapshot() {
      const id = await testClient.snapshot()
      return async () => { await testClient.revert({ id }) }
    },
  }
  return shared
}
