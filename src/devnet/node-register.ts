/**
 * `enigma node register`: puts a node on a controller as an operator would, from the node's own
 * account (the one in its key file: it signs attestations and receives fees, so it must be the
 * registered one). Optionally funds that account first from an operator wallet (`--fund-from`), then
 * registers (peer id, X25519 key, multiaddrs) with the stake, tops the stake up if it is below the
 * asked amount, and activates. Idempotent: re-running it on a registered, active node changes nothing.
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { createWalletClient, formatEther, type Address, type Hex } from 'viem'
import { getBalance, readContract, sendTransaction, waitForTransactionReceipt } from 'viem/actions'
import { privateKeyToAccount } from 'viem/accounts'
import { EnigmaError } from '../common/errors.ts'
import { KEY_FILE, loadOrCreateIdentity, publicIdentity } from '../node/identity.ts'
import { enigmaControllerAbi } from '../chain/generated/EnigmaController.ts'
import { getNode } from '../chain/actions/getNode.ts'
import { registerNode } from '../chain/actions/registerNode.ts'
import { stake as addStake } from '../chain/actions/stake.ts'
import { setActive } from '../chain/actions/setActive.ts'
import { connectChain } from './evm-chain.ts'

export interface RegisterChainNodeOptions {
  readonly dataDir: string
  readonly rpcUrl: string
  readonly controller: Address
  readonly chainId?: number
  /** Stake to hold after registration (default: the controller's minStake). */
  readonly stake?: bigint
  /** Addresses to register (default: node-info.json's, i.e. what the running node listens on). */
  readonly multiaddrs?: readonly string[]
  /** Operator wallet that sends the node account its stake plus `gasFunds` first. */
  readonly fundFrom?: Hex
  /** Ether for receipts' gas sent along with the stake when funding (default 0.5 ETH). */
  readonly gasFunds?: bigint
}

export interface RegisterChainNodeResult {
  readonly account: Address
  readonly peerId: string
  readonly chainId: number
  readonly stake: bigint
  readonly active: boolean
  readonly transactions: readonly Hex[]
}

async function nodeInfoAddrs(dataDir: string, peerId: string): Promise<string[] | undefined> {
  try {
    const info = JSON.parse(await readFile(join(dataDir, 'node-info.json'), 'utf8')) as { peerId?: string; multiaddrs?: string[] }
    return info.peerId === peerId && Array.isArray(info.multiaddrs) ? info.multiaddrs : undefined
  } catch {
    return undefined
  }
}

export async function registerChainNode(o: RegisterChainNodeOptions): Promise<RegisterChainNodeResult> {
  try {
    await readFile(join(o.dataDir, KEY_FILE))
  } catch {
    throw new EnigmaError('CLI_USAGE', `no ${KEY_FILE} in ${o.dataDir}: start the node once (\`enigma node start --data-dir ${o.dataDir} …\`) so it makes its keys and addresses`)
  }
  const { chain, chainId, transport, publicClient } = await connectChain({ rpcUrl: o.rpcUrl, chainId: o.chainId })
  const { identity } = await loadOrCreateIdentity(o.dataDir)
  const pub = publicIdentity(identity)
  const multiaddrs = o.multiaddrs ?? (await nodeInfoAddrs(o.dataDir, pub.peerId))
  if (!multiaddrs || multiaddrs.length === 0) throw new EnigmaError('CLI_USAGE', `no addresses known for ${pub.peerId}: start the node first, or pass --multiaddr`)
  const minStake = await readContract(publicClient, { address: o.controller, abi: enigmaControllerAbi, functionName: 'minStake' }) as bigint
  const want = o.stake ?? minStake
  if (want < minStake) throw new EnigmaError('CLI_USAGE', `--stake ${formatEther(want)} ETH is below the controller's minimum ${formatEther(minStake)} ETH`)
  const txs: Hex[] = []
  const before = await getNode(publicClient, { address: o.controller, node: identity.account.address })
  const needed = before.registered ? (want > before.stake ? want - before.stake : 0n) : want
  if (o.fundFrom) {
    const funder = createWalletClient({ chain, transport, account: privateKeyToAccount(o.fundFrom) })
    const hash = await sendTransaction(funder, { to: identity.account.address, value: needed + (o.gasFunds ?? 500_000_000_000_000_000n), chain, account: funder.account })
    await waitForTransactionReceipt(publicClient, { hash })
    txs.push(hash)
  }
  const balance = await getBalance(publicClient, { address: identity.account.address })
  if (balance <= needed) {
    throw new EnigmaError('NODE_ACCOUNT_UNFUNDED', `node account ${identity.account.address} holds ${formatEther(balance)} ETH; it needs the stake (${formatEther(needed)} ETH) plus gas: send it ether or pass --fund-from`)
  }
  const wallet = createWalletClient({ chain, transport, account: identity.account, pollingInterval: 100 })
  if (!before.registered) {
    txs.push((await registerNode(wallet, { address: o.controller, peerId: pub.peerId, encryptionKey: pub.encryptionKey, multiaddrs, stake: want })).hash)
  } else if (needed > 0n) {
    txs.push((await addStake(wallet, { address: o.controller, amount: needed })).hash)
  }
  const now = await getNode(publicClient, { address: o.controller, node: identity.account.address })
  if (!now.active) txs.push((await setActive(wallet, { address: o.controller, active: true })).hash)
  const after = await getNode(publicClient, { address: o.controller, node: identity.account.address })
  return { account: identity.account.address, peerId: pub.peerId, chainId, stake: after.stake, active: after.active, transactions: txs }
}
