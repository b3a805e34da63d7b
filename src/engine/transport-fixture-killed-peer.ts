/**
 * Script for transport-tcp.test.ts: party 1 of 2 in its own process. Listens, prints its port,
 * connects, sends one frame, then kills itself with SIGKILL (no FIN handshake of a clean close,
 * no chance to flush anything more): the test checks that party 0 gets MPC_PEER_DISCONNECTED.
 * Usage: node --import tsx transport-fixture-killed-peer.ts <sessionId> <party 0's public key>; it
 * prints its port and public key, then write party 0's port on stdin.
 */
import { listenTcp } from './transport-tcp.ts'
import { generatePartyKey } from './transport-tcp-keys.ts'

const sessionId = process.argv[2] ?? 'killed-peer'
const own = generatePartyKey()
const listener = await listenTcp({ self: 1, n: 2, sessionId, keys: { privateKey: own.privateKey, publicKeys: [process.argv[3]!, own.publicKey] } })
process.stdout.write(`${listener.port} ${own.publicKey}\n`)
process.stdin.once('data', async (line) => {
  const port0 = Number(String(line).trim())
  const t = await listener.connect([{ host: '127.0.0.1', port: port0 }, { host: '127.0.0.1', port: listener.port }])
  t.send(0, 'hello', Uint8Array.of(1))
  setTimeout(() => process.kill(process.pid, 'SIGKILL'), 100)
})
