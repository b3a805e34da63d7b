/**
 * Compiled circuits by code hash (issue #4): from this node's LevelDB, from circuit files on disk, or
 * from another node found through the DHT (`provide`/`findProviders` on a CID made of the code
 * hash) over `/enigma/circuit/1.0.0`. Whatever the source, bytes are accepted only if their SHA-256
 * equals the code hash (the circuit's canonical-encoding hash, src/circuit/encode.ts) and they decode:
 * a peer cannot feed us a different program.
 *
 * Lookups are cheap whoever asks (issue #15, defect 8): a folder's file is first looked up by name
 * (`<codeHash>.json`, as the devnet and `enigma deploy` write them); other names are hashed once per
 * change of the file (an index keyed by name, size and mtime, refreshed only when the folder's
 * mtime changes); a miss is remembered for a while (negative cache), so a peer asking for unknown
 * hashes costs a map lookup, not a disk scan. Streams have deadlines both ways.
 */
import { createHash } from 'node:crypto'
import { readdir, readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import type { Stream } from '@libp2p/interface'
import { CID } from 'multiformats/cid'
import * as Digest from 'multiformats/hashes/digest'
import { decodeCircuit, type Circuit } from '../circuit/index.ts'
import { NodeError } from './errors.ts'
import type { NodeHost } from './host.ts'
import type { NodeStore } from './store.ts'
import type { Hex } from './task-source.ts'
import { silentLogger, type Logger } from './log.ts'
import { readAtLeast } from './stream-read.ts'

export const CIRCUIT_PROTOCOL = '/enigma/circuit/1.0.0'
const MAX_CIRCUIT_BYTES = 64 * 1024 * 1024
const RAW_CODEC = 0x55
const SHA256_CODE = 0x12

export function sha256Hex(bytes: Uint8Array): Hex {
  return `0x${createHash('sha256').update(bytes).digest('hex')}`
}

export function circuitCid(codeHash: Hex): CID {
  return CID.createV1(RAW_CODEC, Digest.create(SHA256_CODE, Buffer.from(codeHash.slice(2), 'hex')))
}

export interface CircuitProviderInit {
  /** Folders holding compiled circuits (`*.json` canonical encodings), scanned on demand. */
  readonly dirs?: readonly string[]
  readonly log?: Logger
  readonly fetchTimeoutMs?: number
  /** How long a miss is remembered (ms, default 5 000). */
  readonly missTtlMs?: number
  /** Deadline for a peer's request or our answer on a circuit stream (ms, default 10 000). */
  readonly streamTimeoutMs?: number
}

interface DirIndex {
  mtimeMs: number
  /** file name → its size, mtime and SHA-256 when last hashed */
  files: Map<string, { size: number; mtimeMs: number; hash: Hex }>
}

const MAX_MISSES = 10_000

export class CircuitProvider {
  readonly #host: NodeHost
  readonly #store: NodeStore
  readonly #init: CircuitProviderInit
  readonly #cache = new Map<Hex, { bytes: Uint8Array; circuit: Circuit }>()
  readonly #misses = new Map<Hex, number>()
  readonly #dirs = new Map<string, DirIndex>()
  readonly #log: Logger
  /** Files read and hashed while indexing folders (for tests and metrics). */
  readonly stats = { filesHashed: 0, dirScans: 0, missesCached: 0 }

  constructor(host: NodeHost, store: NodeStore, init: CircuitProviderInit = {}) {
    this.#host = host
    this.#store = store
    this.#init = init
    this.#log = init.log ?? silentLogger
  }

  async start(): Promise<void> {
    await this.#host.handle(CIRCUIT_PROTOCOL, (stream) => { void this.#serve(stream) }, { maxInboundStreams: 16 })
  }

  async stop(): Promise<void> {
    await this.#host.unhandle(CIRCUIT_PROTOCOL).catch(() => {})
  }

  /** Verify and keep a circuit, then announce it on the DHT (best effort). */
  async add(bytes: Uint8Array, expected?: Hex): Promise<{ codeHash: Hex; circuit: Circuit }> {
    const codeHash = sha256Hex(bytes)
    if (expected && codeHash !== expected.toLowerCase()) {
      throw new NodeError('NODE_CIRCUIT_MISMATCH', `circuit bytes hash to ${codeHash}, expected ${expected}`)
    }
    let circuit: Circuit
    try {
      circuit = decodeCircuit(bytes)
    } catch (e) {
      throw new NodeError('NODE_CIRCUIT_MISMATCH', `circuit ${codeHash} does not decode`, { cause: e })
    }
    this.#cache.set(codeHash, { bytes, circuit })
    await this.#store.putCircuit(codeHash, bytes)
    this.#announce(codeHash)
    return { codeHash, circuit }
  }

  #announce(codeHash: Hex): void {
    const signal = AbortSignal.timeout(30_000)
    this.#host.contentRouting.provide(circuitCid(codeHash), { signal })
      .catch((e: unknown) => this.#log.debug('dht provide failed', { codeHash, err: e }))
  }

  /** Local lookup only: memory, LevelDB, circuit folders (by name, then the folder index). */
  async local(codeHash: Hex): Promise<Circuit | undefined> {
    const key = codeHash.toLowerCase() as Hex
    const hit = this.#cache.get(key)
    if (hit) return hit.circuit
    const missAt = this.#misses.get(key)
    if (missAt !== undefined && Date.now() - missAt < (this.#init.missTtlMs ?? 5_000)) return undefined
    const stored = await this.#store.getCircuit(key)
    if (stored) return (await this.add(stored, key)).circuit
    for (const dir of this.#init.dirs ?? []) {
      const bytes = await this.#fromDir(dir, key)
      if (bytes) {
        this.#misses.delete(key)
        return (await this.add(bytes, key)).circuit
      }
    }
    this.#rememberMiss(key)
    return undefined
  }

  #rememberMiss(key: Hex): void {
    this.#misses.delete(key)
    this.#misses.set(key, Date.now())
    this.stats.missesCached++
    // Insertion order is age order: drop the oldest beyond the bound.
    while (this.#misses.size > MAX_MISSES) this.#misses.delete(this.#misses.keys().next().value!)
  }

  async #fromDir(dir: string, key: Hex): Promise<Uint8Array | undefined> {
    for (const name of [`${key}.json`, `${key.slice(2)}.json`]) {
      try {
        const bytes = new Uint8Array(await readFile(join(dir, name)))
        this.stats.filesHashed++
        if (sha256Hex(bytes) === key) return bytes
      } catch { /* not there under that name */ }
    }
    const index = await this.#index(dir)
    for (const [name, f] of index?.files ?? []) {
      if (f.hash !== key) continue
      try {
        const bytes = new Uint8Array(await readFile(join(dir, name)))
        if (sha256Hex(bytes) === key) return bytes
      } catch { /* removed since it was indexed */ }
    }
    return undefined
  }

  /** The folder's name → hash index, refreshed when the folder changed (only changed files are read). */
  async #index(dir: string): Promise<DirIndex | undefined> {
    let mtimeMs: number
    try { mtimeMs = (await stat(dir)).mtimeMs } catch { return undefined }
    const prev = this.#dirs.get(dir)
    if (prev && prev.mtimeMs === mtimeMs) return prev
    this.stats.dirScans++
    const files = new Map<string, { size: number; mtimeMs: number; hash: Hex }>()
    let names: string[] = []
    try { names = await readdir(dir) } catch { return undefined }
    for (const name of names) {
      if (!name.endsWith('.json')) continue
      try {
        const st = await stat(join(dir, name))
        if (!st.isFile() || st.size > MAX_CIRCUIT_BYTES) continue
        const old = prev?.files.get(name)
        if (old && old.size === st.size && old.mtimeMs === st.mtimeMs) { files.set(name, old); continue }
        const bytes = await readFile(join(dir, name))
        this.stats.filesHashed++
        files.set(name, { size: st.size, mtimeMs: st.mtimeMs, hash: sha256Hex(bytes) })
      } catch { /* vanished meanwhile */ }
    }
    const index = { mtimeMs, files }
    this.#dirs.set(dir, index)
    return index
  }

  /** Local first, then the providers the DHT knows, each checked against the hash. */
  async get(codeHash: Hex, options: { signal?: AbortSignal } = {}): Promise<Circuit> {
    const key = codeHash.toLowerCase() as Hex
    const found = await this.local(key)
    if (found) return found
    const signal = AbortSignal.any([AbortSignal.timeout(this.#init.fetchTimeoutMs ?? 20_000), ...(options.signal ? [options.signal] : [])])
    const tried = new Set<string>()
    const tryPeer = async (peer: string, pid: Parameters<NodeHost['dialProtocol']>[0]): Promise<Circuit | undefined> => {
      if (tried.has(peer) || peer === this.#host.peerId.toString()) return undefined
      tried.add(peer)
      try {
        const bytes = await this.#fetchFrom(pid, key, signal)
        if (bytes) return (await this.add(bytes, key)).circuit
      } catch (e) {
        this.#log.debug('circuit fetch failed', { peer, codeHash: key, err: e })
      }
      return undefined
    }
    // Keep asking until the deadline: right after start-up the routing table may still be empty, or
    // the provider record not yet stored where we look.
    while (!signal.aborted) {
      try {
        const round = AbortSignal.any([signal, AbortSignal.timeout(5_000)])
        for await (const prov of this.#host.contentRouting.findProviders(circuitCid(key), { signal: round })) {
          const c = await tryPeer(prov.id.toString(), prov.id)
          if (c) return c
        }
      } catch (e) {
        this.#log.debug('dht findProviders ended', { codeHash: key, err: e })
      }
      // A tiny devnet's DHT may not have propagated the record yet: ask connected peers directly.
      for (const conn of this.#host.getConnections()) {
        if (signal.aborted) break
        const c = await tryPeer(conn.remotePeer.toString(), conn.remotePeer)
        if (c) return c
      }
      tried.clear()
      await new Promise<void>((r) => { const t = setTimeout(r, 500); signal.addEventListener('abort', () => { clearTimeout(t); r() }, { once: true }) })
    }
    throw new NodeError('NODE_CIRCUIT_UNAVAILABLE', `no source has circuit ${key} (tried ${tried.size} peers)`)
  }

  async #fetchFrom(peer: Parameters<NodeHost['dialProtocol']>[0], codeHash: Hex, signal: AbortSignal): Promise<Uint8Array | undefined> {
    const stream = await this.#host.dialProtocol(peer, CIRCUIT_PROTOCOL, { signal })
    // The read loop below has no signal of its own: abort the stream at the deadline.
    const deadline = AbortSignal.any([signal, AbortSignal.timeout(this.#init.streamTimeoutMs ?? 10_000)])
    const onAbort = () => stream.abort(new Error('circuit fetch deadline'))
    deadline.addEventListener('abort', onAbort, { once: true })
    try {
      stream.send(Buffer.from(codeHash.slice(2), 'hex'))
      const chunks: Uint8Array[] = []
      let have = 0
      let need = -1
      for await (const c of stream) {
        const u = c instanceof Uint8Array ? c : c.subarray()
        chunks.push(u); have += u.length
        if (need < 0 && have >= 4) {
          const head = Buffer.concat(chunks)
          need = head.readUInt32BE(0)
          if (need > MAX_CIRCUIT_BYTES) throw new NodeError('NODE_CIRCUIT_MISMATCH', `peer offered a ${need}-byte circuit`)
        }
        if (need >= 0 && have >= 4 + need) break
      }
      if (need <= 0) return undefined
      const all = Buffer.concat(chunks)
      if (all.length < 4 + need) return undefined
      return new Uint8Array(all.subarray(4, 4 + need))
    } finally {
      deadline.removeEventListener('abort', onAbort)
      stream.abort(new Error('done'))
    }
  }

  async #serve(stream: Stream): Promise<void> {
    // A peer that sends half a request, or never reads our answer, holds one of 16 slots: not for long.
    const timer = setTimeout(() => stream.abort(new Error('circuit request deadline')), this.#init.streamTimeoutMs ?? 10_000)
    try {
      const req = await readAtLeast(stream, 32)
      if (req.length < 32) { stream.abort(new Error('short request')); return }
      const key = `0x${req.subarray(0, 32).toString('hex')}` as Hex
      await this.local(key)
      const hit = this.#cache.get(key)
      const head = Buffer.alloc(4)
      head.writeUInt32BE(hit ? hit.bytes.length : 0)
      if (!stream.send(head)) await stream.onDrain()
      if (hit && !stream.send(hit.bytes)) await stream.onDrain()
      await stream.close({ signal: AbortSignal.timeout(this.#init.streamTimeoutMs ?? 10_000) })
    } catch (e) {
      stream.abort(e instanceof Error ? e : new Error(String(e)))
    } finally {
      clearTimeout(timer)
    }
  }
}
