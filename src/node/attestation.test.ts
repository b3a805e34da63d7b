import { test } from 'node:test'
import assert from 'node:assert/strict'
import { encodeAbiParameters, keccak256, stringToHex, concat, type Hex } from 'viem'
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts'
import {
  attestationDigest, signAttestation, verifyAttestation, signStatement, verifyStatement, signAccusation, verifyAccusation,
  isEquivocation, RECEIPT_LABEL, receiptContentHash, eip712Domain,
} from './attestation.ts'

const domain = { chainId: 31337, verifyingContract: '0x5FbDB2315678afecb367f032d93F642f64180aa3' as Hex }
const taskId = keccak256(stringToHex('task-1'))
const outputHash = keccak256(stringToHex('output'))
const publicOutputs = encodeAbiParameters([{ type: 'uint256' }], [42n])

test('the attestation digest is the EIP-712 Statement digest spelled out by hand', () => {
  const typeHash = (s: string) => keccak256(stringToHex(s))
  const enc = (types: string[], values: unknown[]) => encodeAbiParameters(types.map((type) => ({ type })), values)
  const domainSeparator = keccak256(enc(['bytes32', 'bytes32', 'bytes32', 'uint256', 'address'], [
    typeHash('EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)'),
    typeHash('Enigma'), typeHash('1'), 31337n, domain.verifyingContract]))
  const content = keccak256(enc(['bytes32', 'bytes32'], [outputHash, keccak256(publicOutputs)]))
  assert.equal(content, receiptContentHash(outputHash, publicOutputs))
  const structHash = keccak256(enc(['bytes32', 'bytes32', 'bytes32', 'bytes32'], [
    typeHash('Statement(bytes32 taskId,bytes32 label,bytes32 contentHash)'), taskId, keccak256(stringToHex('enigma.receipt.v1')), content]))
  assert.equal(RECEIPT_LABEL, keccak256(stringToHex('enigma.receipt.v1')))
  assert.equal(attestationDigest(domain, { taskId, outputHash, publicOutputs }), keccak256(concat(['0x1901', domainSeparator, structHash])))
})

test('signAttestation with a private key or an account verifies; any change breaks it', async () => {
  const key = generatePrivateKey()
  const account = privateKeyToAccount(key)
  const a1 = await signAttestation(key, domain, { taskId, outputHash, publicOutputs })
  const a2 = await signAttestation(account, domain, { taskId, outputHash, publicOutputs })
  assert.equal(a1.signer, account.address)
  assert.equal(a1.signature, a2.signature) // RFC 6979: deterministic
  assert.ok(await verifyAttestation(domain, a1))
  assert.ok(!(await verifyAttestation(domain, { ...a1, outputHash: keccak256('0x01') })))
  assert.ok(!(await verifyAttestation(domain, { ...a1, publicOutputs: '0x' })))
  assert.ok(!(await verifyAttestation({ ...domain, chainId: 1 }, a1)))
  assert.ok(!(await verifyAttestation(domain, { ...a1, signer: privateKeyToAccount(generatePrivateKey()).address })))
  assert.ok(!(await verifyAttestation(domain, { ...a1, signature: '0x1234' })))
})

test('high-s (malleated) signatures are refused, as on chain', async () => {
  const a = await signAttestation(generatePrivateKey(), domain, { taskId, outputHash, publicOutputs })
  const n = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n
  const r = a.signature.slice(0, 66)
  const s = BigInt('0x' + a.signature.slice(66, 130))
  const v = parseInt(a.signature.slice(130), 16)
  const malleated = (r + (n - s).toString(16).padStart(64, '0') + (v === 27 ? '1c' : '1b')) as Hex
  assert.ok(!(await verifyAttestation(domain, { ...a, signature: malleated })))
})

test('statements, equivocation and accusations', async () => {
  const key = generatePrivateKey()
  const label = keccak256(stringToHex('round-3'))
  const s1 = await signStatement(key, domain, { taskId, label, contentHash: keccak256('0x01') })
  const s2 = await signStatement(key, domain, { taskId, label, contentHash: keccak256('0x02') })
  assert.ok(await verifyStatement(domain, s1))
  assert.ok(await isEquivocation(domain, s1, s2))
  assert.ok(!(await isEquivocation(domain, s1, s1)))
  const other = await signStatement(generatePrivateKey(), domain, { taskId, label, contentHash: keccak256('0x02') })
  assert.ok(!(await isEquivocation(domain, s1, other)))
  const acc = await signAccusation(key, domain, { taskId, accused: other.signer, reason: keccak256(stringToHex('mac')) })
  assert.ok(await verifyAccusation(domain, acc))
  assert.ok(!(await verifyAccusation(domain, { ...acc, accused: s1.signer })))
})

test('bad inputs are refused with INVALID_ARGUMENT', async () => {
  await assert.rejects(signAttestation(generatePrivateKey(), domain, { taskId: '0x1234', outputHash, publicOutputs }), { code: 'INVALID_ARGUMENT' })
  assert.throws(() => eip712Domain({ chainId: 0, verifyingContract: domain.verifyingContract }), { code: 'INVALID_ARGUMENT' })
  await assert.rejects(signAttestation('0x12', domain, { taskId, outputHash, publicOutputs }), { code: 'INVALID_ARGUMENT' })
})
