// The TypeScript slot tree (src/chain/merkle.ts) against the controller: same root for every size
// (odd levels included), proofs the controller accepts (OZ MerkleProof.verifyCalldata), and none
// that it should refuse.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { keccak256, numberToHex, zeroAddress, type Address, type Hex } from 'viem'
import { startControllerFixture, type ControllerFixture } from './testing/fixture.ts'
import { readController } from './internal/read.ts'
import { slotLeaf, slotProof, slotRoot, processProof } from './merkle.ts'

let fx: ControllerFixture
before(async () => { fx = await startControllerFixture() })
after(async () => { await fx?.stop() })

const owner = (i: number): Address => `0x${keccak256(numberToHex(i, { size: 32 })).slice(26)}` as Address
const onChainRoot = (owners: readonly Address[]) =>
  readController<Hex>('slotRoot', fx.publicClient, { address: fx.address }, 'slotRoot', [owners.map((o, i) => ({ name: `s${i}`, owner: o }))])

test('roots agree with the controller for 0..9, 17 and 200 slots; proofs verify; a wrong owner or slot does not', async () => {
  for (const size of [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 17, 200]) {
    const owners = Array.from({ length: size }, (_, k) => owner(k % 7)) // repeated owners are fine: the leaf binds the index
    const root = slotRoot(owners)
    assert.equal(await onChainRoot(owners), root, `size ${size}`)
    const checked = size <= 17 ? Array.from({ length: size }, (_, i) => i) : [0, 1, 127, 128, 198, 199]
    for (const i of checked) {
      assert.equal(processProof(slotProof(owners, i), slotLeaf(i, owners[i]!)), root)
      if (size > 1) {
        assert.notEqual(processProof(slotProof(owners, i), slotLeaf(i, owner(99))), root)
        assert.notEqual(processProof(slotProof(owners, i), slotLeaf((i + 1) % size, owners[i]!)), root)
      }
    }
  }
})

test('a zero-address owner is refused on both sides', async () => {
  assert.throws(() => slotRoot([owner(1), zeroAddress]), { code: 'INVALID_ARGUMENT' })
  await assert.rejects(onChainRoot([owner(1), zeroAddress]), (e: any) => e.errorName === 'ZeroSlotOwner')
})
