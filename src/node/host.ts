/**
 * The libp2p host of a secret node (issue #4): tcp + noise + yamux, identify, ping, kad-dht (find
 * nodes and providers of a compiled contract by code hash), gossipsub (task and result
 * announcements). Wiring only: protocols of our own (MPC stream, circuit fetch) are services that
 * register handlers on the returned host.
 *
 * Needs the Node 20 `Promise.withResolvers` polyfill loaded first (src/common/polyfill.mjs).
 */
import { createLibp2p, type Libp2p } from 'libp2p'
import { tcp } from '@libp2p/tcp'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { identify, type Identify } from '@libp2p/identify'
import { ping, type Ping } from '@libp2p/ping'
import { kadDHT, passthroughMapper, removePrivateAddressesMapper, type KadDHT } from '@libp2p/kad-dht'
import { gossipsub, type GossipSub } from '@libp2p/gossipsub'
import { multiaddr } from '@multiformats/multiaddr'
import type { ConnectionGater, PrivateKey } from '@libp2p/interface'
import { corkWritesPerTick } from './cork-connection.ts'

export type HostServices = {
  identify: Identify
  ping: Ping
  dht: KadDHT
  pubsub: GossipSub
}

export type NodeHost = Libp2p<HostServices>

export interface HostInit {
  readonly privateKey: PrivateKey
  /** Multiaddrs to listen on; loopback by default so a node is not exposed by accident. */
  readonly listen?: readonly string[]
  /** Addresses to announce instead of the listen addresses (e.g. a public IP behind NAT). */
  readonly announce?: readonly string[]
  /**
   * Keep private/loopback addresses in the DHT. True for loopback/LAN devnets; set false on the
   * public internet so the routing table is not polluted with unreachable addresses.
   */
  readonly allowPrivateAddresses?: boolean
  /** Refuse dials/connections by peer or address (an operator's deny list; tests that need a topology). */
  readonly connectionGater?: ConnectionGater
}

/** Our DHT protocol id: a private DHT of Enigma nodes, never mixed with the public IPFS DHT. */
export const DHT_PROTOCOL = '/enigma/kad/1.0.0'

export async function createHost(init: HostInit): Promise<NodeHost> {
  const allowPrivate = init.allowPrivateAddresses ?? true
  const host = await createLibp2p<HostServices>({
    privateKey: init.privateKey,
    addresses: {
      listen: [...(init.listen ?? ['/ip4/127.0.0.1/tcp/0'])],
      ...(init.announce && init.announce.length > 0 ? { announce: [...init.announce] } : {}),
    },
    ...(init.connectionGater ? { connectionGater: init.connectionGater } : {}),
    transports: [tcp()],
    connectionEncrypters: [noise()],
    // Bigger yamux frames than the 64 KiB default: MPC rounds move vectors of field elements.
    streamMuxers: [yamux({ maxMessageSize: 1024 * 1024 })],
    // libp2p pings every peer every 10 s and by default aborts the connection when a ping times out.
    // An MPC party can keep its event loop busy for seconds on local arithmetic (large batches), and a
    // killed connection then fails the whole task: keep the pings (RTT metrics) but never abort on
    // them. Dead peers are still found by TCP resets and by the MPC deadlines.
    connectionMonitor: { abortConnectionOnPingFailure: false },
    connectionManager: {
      // Committee peers must stay connected during a task; a small devnet never nears this.
      maxConnections: 300,
    },
    services: {
      identify: identify(),
      ping: ping(),
      dht: kadDHT({
        protocol: DHT_PROTOCOL,
        clientMode: false,
        peerInfoMapper: allowPrivate ? passthroughMapper : removePrivateAddressesMapper,
        // A fresh devnet has a handful of peers: let queries run with whoever is there.
        allowQueryWithZeroPeers: true,
      }),
      pubsub: gossipsub({
        allowPublishToZeroTopicPeers: true,
        emitSelf: false,
      }),
    },
  })
  // A round's writes to a peer leave in one syscall (src/node/cork-connection.ts).
  host.addEventListener('connection:open', (evt) => { corkWritesPerTick(evt.detail) })
  return host
}

/** Dial each bootstrap multiaddr once; failures are reported, not thrown (a peer may be down). */
export async function dialBootstrap(host: NodeHost, addrs: readonly string[], options: { signal?: AbortSignal } = {}): Promise<{ ok: string[]; failed: string[] }> {
  const ok: string[] = []
  const failed: string[] = []
  await Promise.all(addrs.map(async (a) => {
    try {
      const signal = AbortSignal.any([AbortSignal.timeout(10_000), ...(options.signal ? [options.signal] : [])])
      await host.dial(multiaddr(a), { signal })
      ok.push(a)
    } catch {
      failed.push(a)
    }
  }))
  return { ok, failed }
}
