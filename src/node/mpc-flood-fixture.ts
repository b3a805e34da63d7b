/**
 * A hostile stranger for src/node/mpc-flood.test.ts, in its own process so that its own work does not
 * count against the victim's event loop or heap. Usage:
 *
 *     mpc-flood-fixture.ts <victim multiaddr> <empty frames> <large frames> <large bytes> <identities>
 *
 * Phase 1 sends `empty frames` frames with an empty payload for unknown sessions from one identity;
 * phase 2 sends `large frames` frames of `large bytes` each, spread over `identities` fresh peer ids
 * (so a per-identity ban does not end the attack). A stream the victim resets is replaced by a new
 * one. Prints one JSON line: what it managed to hand to its streams.
 */
import { generateKeyPair } from '@libp2p/crypto/keys'
import { multiaddr } from '@multiformats/multiaddr'
import type { Stream } from '@libp2p/interface'
import { createHost, type NodeHost } from './host.ts'
import { MPC_PROTOCOL } from './mpc-network.ts'
import { encodeFrame } from './frames.ts'

const [target, emptyArg, largeArg, largeBytesArg, identitiesArg] = process.argv.slice(2)
const victim = multiaddr(target!)
const T0 = Date.now()
const report = { framesOffered: 0, framesWritten: 0, streamsOpened: 0, streamsRefused: 0, dialFailures: 0 }

/**
 * Offers `frames` frames in batches, each batch on the current stream or, once the victim reset it,
 * on a new one (which a victim may refuse at once). Every batch is offered once.
 */
async function flood(host: NodeHost, frames: number, make: (i: number) => Uint8Array, batch: number): Promise<void> {
  let stream: Stream | undefined
  for (let i = 0; i < frames; i += batch) {
    const k = Math.min(batch, frames - i)
    report.framesOffered += k
    if (!stream || stream.status !== 'open' || stream.writeStatus !== 'writable') {
      if (stream) report.streamsRefused++
      try {
        stream = await host.dialProtocol(victim, MPC_PROTOCOL, { signal: AbortSignal.timeout(5_000) })
        report.streamsOpened++
      } catch {
        report.dialFailures++
        stream = undefined
        continue
      }
    }
    const parts: Uint8Array[] = []
    for (let j = 0; j < k; j++) parts.push(make(i + j))
    try {
      if (!stream.send(Buffer.concat(parts))) await stream.onDrain({ signal: AbortSignal.timeout(250) })
      report.framesWritten += k
    } catch {
      stream.abort(new Error('refused'))
      stream = undefined
      report.streamsRefused++
    }
  }
}

const empty = new Uint8Array(0)
const host = await createHost({ privateKey: await generateKeyPair('Ed25519') })
await host.start()
await flood(host, Number(emptyArg), (i) => encodeFrame(`junk-${i % 1000}`, "x", empty), 5000)
await host.stop()
process.stderr.write(`# ${Date.now() - T0} ms flood fixture: phase 1 done ${JSON.stringify(report)}\n`)

const large = new Uint8Array(Number(largeBytesArg)).fill(7)
const identities = Math.max(1, Number(identitiesArg))
const perIdentity = Math.ceil(Number(largeArg) / identities)
for (let id = 0; id < identities; id++) {
  const h = await createHost({ privateKey: await generateKeyPair('Ed25519') })
  await h.start()
  await flood(h, perIdentity, (i) => encodeFrame(`big-${id}-${i}`, `r#${i}`, large), 1)
  await h.stop()
  process.stderr.write(`# ${Date.now() - T0} ms flood fixture: identity ${id} done ${JSON.stringify(report)}\n`)
}
process.stdout.write(`${JSON.stringify(report)}\n`)
process.exit(0)
