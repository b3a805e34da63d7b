/**
 * The chain a node or CLI talks to, as the RPC says it is: viem refuses to send a transaction when
 * the wallet's chain id differs from the RPC's, so the id is read from the RPC (and, when the operator
 * gave one with `--chain-id`, checked against it) rather than assumed to be Hardhat's 31337.
 */
import { createPublicClient, defineChain, http, type Chain, type HttpTransport, type PublicClient } from 'viem'
import { getChainId } from 'viem/actions'
import { EnigmaError } from '../common/errors.ts'
import { rpcFetch } from '../chain/rpc-fetch.ts'

/** A viem chain for `chainId` served at `rpcUrl`. */
export function evmChain(chainId: number, rpcUrl: string): Chain {
  return defineChain({
    id: chainId, name: chainId === 31337 ? 'Enigma devnet' : `chain ${chainId}`,
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 }, rpcUrls: { default: { http: [rpcUrl] } },
  })
}

export interface ConnectChainOptions {
  readonly rpcUrl: string
  /** The chain id the operator expects; the RPC must agree. */
  readonly chainId?: number
  readonly retryCount?: number
  readonly pollingIntervalMs?: number
}

export interface ConnectedChain {
  readonly chain: Chain
  readonly chainId: number
  readonly transport: HttpTransport
  readonly publicClient: PublicClient<HttpTransport, Chain>
}

/** Asks the RPC for its chain id; throws CHAIN_ID_MISMATCH / CHAIN_UNREACHABLE with the reason. */
export async function connectChain(o: ConnectChainOptions): Promise<ConnectedChain> {
  let url: URL
  try { url = new URL(o.rpcUrl) } catch { throw new EnigmaError('CLI_USAGE', `--rpc must be an http(s) URL, got '${o.rpcUrl}'`) }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new EnigmaError('CLI_USAGE', `--rpc must be an http(s) URL, got '${o.rpcUrl}'`)
  if (o.chainId !== undefined && (!Number.isSafeInteger(o.chainId) || o.chainId < 1)) throw new EnigmaError('CLI_USAGE', `--chain-id must be a positive integer, got ${o.chainId}`)
  // A node polls for as long as it runs: kept-alive sockets, not the global fetch (chain/rpc-fetch.ts).
  const transport = http(o.rpcUrl, { retryCount: o.retryCount ?? 2, timeout: 30_000, fetchFn: rpcFetch() })
  let chainId: number
  try {
    chainId = await getChainId(createPublicClient({ transport }))
  } catch (e) {
    throw new EnigmaError('CHAIN_UNREACHABLE', `cannot reach the chain at ${o.rpcUrl}: ${(e as Error).message.split('\n')[0]}`, { cause: e })
  }
  if (o.chainId !== undefined && o.chainId !== chainId) {
    throw new EnigmaError('CHAIN_ID_MISMATCH', `the RPC at ${o.rpcUrl} serves chain ${chainId}, not ${o.chainId} (--chain-id)`)
  }
  const chain = evmChain(chainId, o.rpcUrl)
  return { chain, chainId, transport, publicClient: createPublicClient({ chain, transport, pollingInterval: o.pollingIntervalMs ?? 100 }) }
}
