/**
 * A member recovers each owner's EIP-712 `Input` signer with libsecp256k1 (tiny-secp256k1, WebAssembly)
 * instead of viem/@noble (input-batch-recover.ts; issue #14: 28–38 % of a member's CPU while inputs
 * arrive). The guarantee: **exactly the same acceptance** as viem's `recoverTypedDataAddress`, the
 * reference here. Table-driven over random keys and every edge case a forger controls: v as 0/1/27/28
 * and the values viem refuses, high-s (s' = n − s, both parities), r or s = 0 or ≥ n, r not an x
 * coordinate, wrong lengths (64, 66 bytes, odd hex), non-hex text, a signature by another key, and a
 * signature over another slot, task, chain or contract. Each case must give the reference's result;
 * the cases whose outcome matters are pinned too (so the test cannot pass by both sides failing).
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { hexToBigInt, numberToHex, recoverTypedDataAddress, stringToHex, type Hex } from 'viem'
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts'
import { inputTypes, inputsDomain, signOwnerInput } from './input-batch.ts'
import { ownerInputRecovery, recoverOwnerInput } from './input-batch-recover.ts'
import type { ReceiptDomain } from './task-source.ts'

const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n
const P = 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2fn
const domain: ReceiptDomain = { chainId: 31337, verifyingContract: '0x00000000000000000000000000000000000000aa' }
type Body = { taskId: Hex; slot: number; commitment: Hex }

/** The reference: what a member accepted before (viem's typed-data recovery, lower-cased; undefined on any error). */
async function reference(d: ReceiptDomain, body: Body, signature: Hex): Promise<Hex | undefined> {
  try {
    return (await recoverTypedDataAddress({ domain: inputsDomain(d), types: inputTypes, primaryType: 'Input', message: { ...body, slot: BigInt(body.slot) }, signature })).toLowerCase() as Hex
  } catch {
    return undefined
  }
}

const word = (x: bigint): string => x.toString(16).padStart(64, '0')
function parts(sig: Hex): { r: bigint; s: bigint; v: number } {
  return { r: hexToBigInt(`0x${sig.slice(2, 66)}`), s: hexToBigInt(`0x${sig.slice(66, 130)}`), v: parseInt(sig.slice(130), 16) }
}
const join = (r: bigint, s: bigint, v: number): Hex => `0x${word(r)}${word(s)}${v.toString(16).padStart(2, '0')}`

interface Case { readonly name: string; readonly domain: ReceiptDomain; readonly body: Body; readonly signature: Hex; readonly expect?: 'owner' | 'refused' | 'other' }

/** Every edge case for one owner key and one signed body. */
async function cases(seed: number): Promise<{ owner: Hex; list: Case[] }> {
  const key = generatePrivateKey()
  const owner = privateKeyToAccount(key)
  const other = privateKeyToAccount(generatePrivateKey())
  const body: Body = { taskId: numberToHex(BigInt(seed) * 7919n + 1n, { size: 32 }), slot: seed % 200, commitment: numberToHex(BigInt(seed) * 104729n + 3n, { size: 32 }) }
  const sig = await signOwnerInput(owner, domain, body)
  const { r, s, v } = parts(sig)
  const parity = v - 27
  const flip = (x: number): number => (x === 27 ? 28 : x === 28 ? 27 : 1 - x)
  const list: Case[] = [
    { name: 'valid, v = 27/28', domain, body, signature: sig, expect: 'owner' },
    { name: 'valid, v = 0/1', domain, body, signature: join(r, s, parity), expect: 'owner' },
    { name: 'flipped v', domain, body, signature: join(r, s, flip(v)) },
    { name: 'high-s with flipped v (malleated twin)', domain, body, signature: join(r, N - s, flip(v)) },
    { name: 'high-s with flipped v as 0/1', domain, body, signature: join(r, N - s, 1 - parity) },
    { name: 'high-s with the same v', domain, body, signature: join(r, N - s, v) },
    { name: 'v = 2 (recovery id 2)', domain, body, signature: join(r, s, 2), expect: 'refused' },
    { name: 'v = 3', domain, body, signature: join(r, s, 3), expect: 'refused' },
    { name: 'v = 29', domain, body, signature: join(r, s, 29), expect: 'refused' },
    { name: 'v = 26', domain, body, signature: join(r, s, 26), expect: 'refused' },
    { name: 'v = 37 (EIP-155 style)', domain, body, signature: join(r, s, 37), expect: 'refused' },
    { name: 'v = 255', domain, body, signature: join(r, s, 255), expect: 'refused' },
    { name: 'r = 0', domain, body, signature: join(0n, s, v), expect: 'refused' },
    { name: 's = 0', domain, body, signature: join(r, 0n, v), expect: 'refused' },
    { name: 'r = n', domain, body, signature: join(N, s, v), expect: 'refused' },
    { name: 's = n', domain, body, signature: join(r, N, v), expect: 'refused' },
    { name: 'r + n (< p)', domain, body, signature: r + N < P ? join(r + N, s, v) : join(N + 1n, s, v), expect: 'refused' },
    { name: 'r = 2^256 − 1', domain, body, signature: join(2n ** 256n - 1n, s, v), expect: 'refused' },
    { name: 's = 2^256 − 1', domain, body, signature: join(r, 2n ** 256n - 1n, v), expect: 'refused' },
    { name: 's = n − 1', domain, body, signature: join(r, N - 1n, v) },
    { name: 'r = 1, s = 1', domain, body, signature: join(1n, 1n, v) },
    { name: 'r not an x coordinate (5)', domain, body, signature: join(5n, s, v) },
    { name: '64 bytes', domain, body, signature: sig.slice(0, 130) as Hex, expect: 'refused' },
    { name: '66 bytes', domain, body, signature: `${sig}00`, expect: 'refused' },
    { name: '65 bytes + a nibble (odd hex)', domain, body, signature: `${sig}0` as Hex },
    { name: '64.5 bytes (odd hex, v one nibble)', domain, body, signature: `${sig.slice(0, 130)}${parity}` as Hex },
    { name: 'empty', domain, body, signature: '0x', expect: 'refused' },
    { name: 'no 0x prefix', domain, body, signature: sig.slice(2) as Hex },
    { name: 'non-hex text of 65 bytes', domain, body, signature: 'z'.repeat(65) as Hex },
    { name: 'non-hex digits', domain, body, signature: `0x${'g'.repeat(130)}` as Hex },
    { name: 'upper-case hex', domain, body, signature: `0x${sig.slice(2).toUpperCase()}` as Hex, expect: 'owner' },
    { name: 'text that is the signature', domain, body, signature: stringToHex(sig) },
    { name: 'random 65 bytes', domain, body, signature: join(hexToBigInt(generatePrivateKey()), hexToBigInt(generatePrivateKey()), v) },
    { name: 'another key', domain, body, signature: await signOwnerInput(other, domain, body), expect: 'other' },
    { name: 'another slot', domain, body: { ...body, slot: body.slot + 1 }, signature: sig, expect: 'other' },
    { name: 'another task', domain, body: { ...body, taskId: numberToHex(hexToBigInt(body.taskId) + 1n, { size: 32 }) }, signature: sig, expect: 'other' },
    { name: 'another commitment', domain, body: { ...body, commitment: numberToHex(hexToBigInt(body.commitment) ^ 1n, { size: 32 }) }, signature: sig, expect: 'other' },
    { name: 'another chain', domain: { ...domain, chainId: 1 }, body, signature: sig, expect: 'other' },
    { name: 'another contract', domain: { ...domain, verifyingContract: '0x00000000000000000000000000000000000000ab' }, body, signature: sig, expect: 'other' },
    { name: 'malformed task id (31 bytes)', domain, body: { ...body, taskId: body.taskId.slice(0, 64) as Hex }, signature: sig, expect: 'refused' },
    { name: 'negative slot', domain, body: { ...body, slot: -1 }, signature: sig, expect: 'refused' },
  ]
  return { owner: owner.address.toLowerCase() as Hex, list }
}

async function checkAll(recover: (d: ReceiptDomain, b: Body, s: Hex) => Promise<Hex | undefined>, keys: number): Promise<Map<string, Set<string>>> {
  const seen = new Map<string, Set<string>>()
  for (let k = 0; k < keys; k++) {
    const { owner, list } = await cases(k + 1)
    for (const c of list) {
      const want = await reference(c.domain, c.body, c.signature)
      const got = await recover(c.domain, c.body, c.signature)
      assert.equal(got, want, `key ${k}, ${c.name}: ${c.signature}`)
      const outcome = got === undefined ? 'refused' : got === owner ? 'owner' : 'other'
      if (c.expect) assert.equal(outcome, c.expect, `key ${k}, ${c.name}: expected ${c.expect}`)
      seen.set(c.name, (seen.get(c.name) ?? new Set()).add(outcome))
    }
  }
  return seen
}

test('libsecp256k1 recovery accepts exactly what viem accepted (random keys × every edge case)', async () => {
  const seen = await checkAll(recoverOwnerInput, 10)
  // What viem/@noble does with high-s: it recovers (no low-s rule in recovery), and the malleated twin
  // (n − s with the other parity) names the same owner. The member's acceptance follows the reference.
  assert.deepEqual([...seen.get('high-s with flipped v (malleated twin)')!], ['owner'])
  assert.deepEqual([...seen.get('high-s with the same v')!].filter((o) => o === 'owner'), [])
})

test('random signatures: the same answer as viem on 100 random 65-byte strings', async () => {
  const { list } = await cases(999)
  const body = list[0]!.body
  for (let i = 0; i < 100; i++) {
    const v = [0, 1, 27, 28][i % 4]!
    const sig = join(hexToBigInt(generatePrivateKey()), hexToBigInt(generatePrivateKey()), v)
    assert.equal(await recoverOwnerInput(domain, body, sig), await reference(domain, body, sig), sig)
  }
})

test('if libsecp256k1 cannot load, recovery falls back to viem and accepts nothing more', async () => {
  const broken = ownerInputRecovery(() => Promise.reject(new Error('no secp256k1.wasm')))
  assert.equal(await broken.backend(), 'viem')
  await checkAll(broken.recover, 3)
  const loaded = ownerInputRecovery()
  assert.equal(await loaded.backend(), 'libsecp256k1')
})
