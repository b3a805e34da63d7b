/**
 * 300 owner-input recoveries, viem/@noble (the members' old path) against libsecp256k1 (input-batch-recover.ts),
 * alternated, CPU per recovery from process.cpuUsage (record the load beside it). `npx tsx bench/input-recover.bench.ts`
 */
import { numberToHex, recoverTypedDataAddress, type Hex } from 'viem'
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts'
import { inputTypes, inputsDomain, signOwnerInput } from '../src/node/input-batch.ts'
import { recoverOwnerInput } from '../src/node/input-batch-recover.ts'
const domain = { chainId: 31337, verifyingContract: '0x00000000000000000000000000000000000000aa' as Hex }
const items: { body: { taskId: Hex; slot: number; commitment: Hex }; sig: Hex; signer: string }[] = []
for (let i = 0; i < 300; i++) {
  const a = privateKeyToAccount(generatePrivateKey())
  const body = { taskId: numberToHex(7n, { size: 32 }), slot: i, commitment: numberToHex(BigInt(i) + 11n, { size: 32 }) }
  items.push({ body, sig: await signOwnerInput(a, domain, body), signer: a.address.toLowerCase() })
}
const old = async (b: typeof items[0]['body'], signature: Hex) => (await recoverTypedDataAddress({ domain: inputsDomain(domain), types: inputTypes, primaryType: 'Input', message: { ...b, slot: BigInt(b.slot) }, signature })).toLowerCase()
async function run(name: string, f: (b: any, s: Hex) => Promise<unknown>) {
  const c0 = process.cpuUsage(); const t0 = performance.now()
  for (const it of items) if ((await f(it.body, it.sig)) !== it.signer) throw new Error(`${name}: wrong signer for slot ${it.body.slot}`)
  const c = process.cpuUsage(c0)
  return `${name} ${((c.user + c.system) / 1000 / 300).toFixed(3)} ms CPU/recovery, ${((performance.now() - t0) / 300).toFixed(3)} ms wall`
}
await run('warm-old', old); await run('warm-new', (b, s) => recoverOwnerInput(domain, b, s))
console.log(`load ${(await import('node:fs')).readFileSync('/proc/loadavg', 'utf8').trim()}`)
for (let r = 0; r < 3; r++) { console.log(await run('viem  ', old)); console.log(await run('libsecp', (b, s) => recoverOwnerInput(domain, b, s))) }
