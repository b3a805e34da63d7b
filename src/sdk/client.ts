/**
 * `createEnigmaClient`: the handle every SDK action takes (viem's client-then-action habit). It holds
 * a public client (reads, events), an optional wallet client (writes, input signatures), the
 * controller address, and how to reach a committee member's HTTP API.
 *
 * Browser-safe: viem only, no node:* modules.
 */
import {
  createPublicClient, createWalletClient, defineChain, http,
  type Account, type Address, type Chain, type Hex, type PublicClient, type Transport, type WalletClient,
} from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import type { CommitteeMember } from '../node/task-source.ts'
import { SdkError } from './errors.ts'
import { writeTransport } from './internal/write-transport.ts'

/** Where a member's client API lives: a map keyed by peer id or account (any case), or a function. */
export type NodeApiResolver = Readonly<Record<string, string>> | ((member: CommitteeMember) => string | undefined)

export interface EnigmaClientConfig {
  readonly rpcUrl: string
  readonly controller: Address
  /** The records contract (contracts/EnigmaRecords.sol) beside the controller, for the record actions. */
  readonly records?: Address
  /** The state contract (contracts/EnigmaState.sol) beside the controller, for stateful contracts. */
  readonly stateContract?: Address
  /** The inputs contract (contracts/EnigmaInputs.sol): with it `submitInput` batches off chain by default. */
  readonly inputs?: Address
  /** The client's account: a viem Account or a private key. Reads work without one. */
  readonly account?: Account | Hex
  /** Chain id (default: 31337, the local devnet). */
  readonly chainId?: number
  readonly nodeApis?: NodeApiResolver
  /** How often waits poll the chain and nodes (ms, default 250). */
  readonly pollingIntervalMs?: number
  /** First block to scan for task events (default 0). */
  readonly fromBlock?: bigint
  /**
   * The `fetch` the RPC requests go through (default: the global one). Node programs that poll a lot
   * can pass one over kept-alive sockets (the devnet's clients pass src/chain/rpc-fetch.ts).
   */
  readonly fetchFn?: typeof fetch
}

export interface EnigmaClient {
  readonly controller: Address
  readonly records: Address | undefined
  readonly stateContract: Address | undefined
  readonly inputs: Address | undefined
  readonly chain: Chain
  readonly public: PublicClient<Transport, Chain>
  readonly wallet: WalletClient<Transport, Chain, Account> | undefined
  readonly account: Account | undefined
  readonly pollingIntervalMs: number
  readonly fromBlock: bigint
  /** Base URL of a member's client API (throws SDK_CONFIG_INVALID when unknown). */
  nodeApi(member: CommitteeMember): string
  /** Task details read once from the chain (committee and slot names never change). */
  readonly cache: Map<string, unknown>
}

export function createEnigmaClient(config: EnigmaClientConfig): EnigmaClient {
  if (!/^0x[0-9a-fA-F]{40}$/.test(config.controller)) throw new SdkError('SDK_CONFIG_INVALID', `createEnigmaClient: controller is not an address: ${String(config.controller)}`)
  const chainId = config.chainId ?? 31337
  const chain = defineChain({
    id: chainId, name: chainId === 31337 ? 'Enigma devnet' : `chain ${chainId}`,
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 }, rpcUrls: { default: { http: [config.rpcUrl] } },
  })
  const pollingIntervalMs = config.pollingIntervalMs ?? 250
  // Writes retry only a request that got no answer, and resend a transaction only as the same bytes
  // (write-transport.ts): a revert is an answer. Reads (the many polls of a task) retry a dropped
  // connection too: a busy node closes sockets under load.
  const fetchFn = config.fetchFn ? { fetchFn: config.fetchFn } : {}
  const transport = writeTransport(config.rpcUrl, fetchFn)
  const readTransport = http(config.rpcUrl, { retryCount: 2, ...fetchFn })
  const account = typeof config.account === 'string' ? privateKeyToAccount(config.account) : config.account
  const resolver = config.nodeApis
  if (config.records !== undefined && !/^0x[0-9a-fA-F]{40}$/.test(config.records)) throw new SdkError('SDK_CONFIG_INVALID', `createEnigmaClient: records is not an address: ${String(config.records)}`)
  if (config.stateContract !== undefined && !/^0x[0-9a-fA-F]{40}$/.test(config.stateContract)) throw new SdkError('SDK_CONFIG_INVALID', `createEnigmaClient: stateContract is not an address: ${String(config.stateContract)}`)
  return {
    controller: config.controller,
    records: config.records,
    stateContract: config.stateContract,
    inputs: config.inputs,
    chain,
    public: createPublicClient({ chain, transport: readTransport, pollingInterval: Math.min(pollingIntervalMs, 100) }),
    wallet: account ? createWalletClient({ chain, transport, account, pollingInterval: Math.min(pollingIntervalMs, 100) }) : undefined,
    account,
    pollingIntervalMs,
    fromBlock: config.fromBlock ?? 0n,
    cache: new Map(),
    nodeApi(member) {
      let url: string | undefined
      if (typeof resolver === 'function') url = resolver(member)
      else if (resolver) {
        const lower = Object.fromEntries(Object.entries(resolver).map(([k, v]) => [k.toLowerCase(), v]))
        url = lower[member.peerId.toLowerCase()] ?? lower[member.account.toLowerCase()]
      }
      if (!url) throw new SdkError('SDK_CONFIG_INVALID', `no client API known for node ${member.account} (${member.peerId}); pass nodeApis to createEnigmaClient`)
      return url.replace(/\/+$/, '')
    },
  }
}

/** The wallet of a client that must sign, or SDK_NO_ACCOUNT. */
export function requireWallet(client: EnigmaClient, fn: string): WalletClient<Transport, Chain, Account> {
  if (!client.wallet) throw new SdkError('SDK_NO_ACCOUNT', `${fn}: this client has no account; pass one to createEnigmaClient`)
  return client.wallet
}
