/**
 * Entry point of one party process started by `launchParties` (launch-parties.ts): imports the
 * party module, listens, waits for the peers' addresses, connects, runs `party(ctx)`, reports the
 * result or the error, closes its transport (flushing frames the others may still need) and exits.
 * Not meant to be run by hand.
 */
import { BadPartyModuleError, serializeError } from './launch-errors.ts'
import type { ChildMessage, InitMessage, ParentMessage, PartyFunction } from './launch-protocol.ts'
import { listenTcp, type TcpListener } from './transport-tcp.ts'

let listener: TcpListener | undefined
let reported = false

function send(msg: ChildMessage): Promise<void> {
  return new Promise((resolve, reject) => {
    if (process.send === undefined || !process.connected) return resolve()
    try {
      process.send(msg, (err: Error | null) => (err ? reject(err) : resolve()))
    } catch (e) {
      reject(e)
    }
  })
}

async function fail(e: unknown): Promise<never> {
  if (!reported) {
    reported = true
    await send({ type: 'error', error: serializeError(e) }).catch(() => {})
  }
  await listener?.close().catch(() => {})
  process.exit(1)
}

async function run(init: InitMessage, peers: Promise<PeersMessage['peers']>): Promise<void> {
  const mod = (await import(init.module)) as { party?: unknown }
  if (typeof mod.party !== 'function') throw new BadPartyModuleError(init.module, 'does not export a function named party')
  const party = mod.party as PartyFunction
  listener = await listenTcp({
    self: init.self, n: init.n, sessionId: init.sessionId, host: init.host, receiveTimeoutMs: init.receiveTimeoutMs, copyOnSend: init.copyOnSend,
    ...(init.insecurePlaintext === true ? { insecurePlaintext: true } : { keys: init.keys! }),
  })
  await send({ type: 'ready', port: listener.port })
  const transport = await listener.connect(await peers, { connectTimeoutMs: init.connectTimeoutMs })
  const value = await party({ self: init.self, n: init.n, sessionId: init.sessionId, transport, args: init.args })
  try {
    await send({ type: 'result', value })
  } catch (e) {
    throw new BadPartyModuleError(init.module, `party returned a value that cannot be sent to the parent: ${(e as Error).message}`)
  }
  reported = true
  await transport.close()
  process.exit(0)
}

type PeersMessage = Extract<ParentMessage, { type: 'peers' }>

if (process.send === undefined) {
  console.error('launch-child.ts is started by launchParties(), with an IPC channel')
  process.exit(2)
}
// The parent died or gave up: never outlive it.
process.on('disconnect', () => process.exit(1))
process.on('uncaughtException', (e) => void fail(e))
process.on('unhandledRejection', (e) => void fail(e))

let resolvePeers: (p: PeersMessage['peers']) => void
const peers = new Promise<PeersMessage['peers']>((r) => { resolvePeers = r })
process.on('message', (msg: ParentMessage) => {
  if (msg.type === 'init') run(msg, peers).catch(fail)
  else if (msg.type === 'peers') resolvePeers(msg.peers)
})
