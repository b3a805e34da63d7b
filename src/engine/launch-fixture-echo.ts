/**
 * Party program used by launch-parties.test.ts (and handy as a smoke test): every party sends each
 * peer a frame and checks the echo of what it received. `args.mode` selects a failure to provoke.
 */
import type { PartyContext } from './launch-protocol.ts'
import { EnigmaError } from '../common/errors.ts'

export interface EchoArgs {
  readonly mode?: 'echo' | 'throw' | 'kill' | 'hang' | 'exit'
  /** The party that misbehaves in the failure modes. */
  readonly culprit?: number
  /** Payload bytes per frame. */
  readonly size?: number
}

export interface EchoResult {
  readonly self: number
  readonly pid: number
  readonly heard: string[]
  readonly bytes: number
  readonly big: bigint
}

const enc = new TextEncoder()
const dec = new TextDecoder()

export async function party({ self, n, transport, args }: PartyContext<EchoArgs>): Promise<EchoResult> {
  const mode = args.mode ?? 'echo'
  const culprit = args.culprit ?? 1
  const size = args.size ?? 16
  const peers = Array.from({ length: n }, (_, j) => j).filter((j) => j !== self)

  if (self === culprit && mode === 'throw') {
    throw new EnigmaError('TEST_CHEATER', `party ${self} refuses`, { meta: { party: self, round: 1 } })
  }
  if (self === culprit && mode === 'exit') process.exit(3)

  // Round 1: a greeting plus `size` bytes to everyone.
  for (const j of peers) {
    const msg = enc.encode(`${self}->${j}|`)
    const payload = new Uint8Array(msg.length + size)
    payload.set(msg)
    payload.fill(self, msg.length)
    transport.send(j, 'greet', payload)
  }
  if (self === culprit && mode === 'kill') process.kill(process.pid, 'SIGKILL')
  if (self === culprit && mode === 'hang') await new Promise(() => {})

  const heard: string[] = []
  let bytes = 0
  for (const j of peers) {
    const p = await transport.receive(j, 'greet')
    bytes += p.length
    heard.push(dec.decode(p.subarray(0, p.indexOf(0x7c) + 1)))
    // Round 2: echo it back under another label.
    transport.send(j, 'echo', p)
  }
  for (const j of peers) {
    const back = await transport.receive(j, 'echo')
    if (dec.decode(back.subarray(0, back.indexOf(0x7c))) !== `${self}->${j}`) {
      throw new EnigmaError('TEST_BAD_ECHO', `party ${j} echoed the wrong frame`)
    }
  }
  return { self, pid: process.pid, heard, bytes, big: 2n ** 70n + BigInt(self) }
}
