/**
 * Validation of task specs that come from outside (a JSON file, the chain): a node never starts work
 * on a task whose committee, thresholds or slots do not make sense.
 */
import { NodeError } from './errors.ts'
import type { TaskSpec } from './task-source.ts'

const HEX = /^0x[0-9a-fA-F]*$/
const HEX32 = /^0x[0-9a-fA-F]{64}$/

/** A value from outside, printable in an error whatever it is (an object whose toString is not a function throws in String()). */
function show(v: unknown): string {
  try {
    return String(v).slice(0, 80)
  } catch {
    return `(${typeof v})`
  }
}

function fail(what: string): never {
  throw new NodeError('NODE_CONFIG_INVALID', `task spec: ${what}`)
}

export function checkTaskSpec(raw: unknown): TaskSpec {
  if (typeof raw !== 'object' || raw === null) fail('not an object')
  const s = raw as Record<string, any>
  if (typeof s.taskId !== 'string' || !HEX32.test(s.taskId)) fail(`taskId must be 32-byte hex, got ${show(s.taskId)}`)
  if (typeof s.codeHash !== 'string' || !HEX32.test(s.codeHash)) fail(`${s.taskId}: codeHash must be 32-byte hex`)
  if (typeof s.paramsHash !== 'string' || !HEX.test(s.paramsHash)) fail(`${s.taskId}: paramsHash must be hex`)
  if (typeof s.params !== 'object' || s.params === null) fail(`${s.taskId}: params must be an object`)
  for (const [k, v] of Object.entries(s.params)) if (!Number.isSafeInteger(v)) fail(`${s.taskId}: param ${k} must be an integer`)
  if (!Number.isInteger(s.n) || s.n < 3 || s.n > 64) fail(`${s.taskId}: n must be in 3..64, got ${show(s.n)}`)
  if (!Number.isInteger(s.t) || s.t < 1 || 2 * s.t >= s.n) fail(`${s.taskId}: t must satisfy 1 ≤ t < n/2, got t=${show(s.t)}, n=${show(s.n)}`)
  if (s.security !== 'semi-honest' && s.security !== 'malicious') fail(`${s.taskId}: security must be semi-honest or malicious`)
  if (!Array.isArray(s.committee) || s.committee.length !== s.n) fail(`${s.taskId}: committee must list n = ${s.n} members`)
  const peers = new Set<string>()
  s.committee.forEach((m: any, i: number) => {
    if (m?.index !== i) fail(`${s.taskId}: committee[${i}].index must be ${i}`)
    if (typeof m.peerId !== 'string' || !/^[1-9A-HJ-NP-Za-km-z]{40,80}$/.test(m.peerId)) fail(`${s.taskId}: committee[${i}].peerId is not a base58 peer id`)
    if (peers.has(m.peerId)) fail(`${s.taskId}: peer ${m.peerId} appears twice in the committee`)
    peers.add(m.peerId)
    if (typeof m.encryptionKey !== 'string' || !HEX32.test(m.encryptionKey)) fail(`${s.taskId}: committee[${i}].encryptionKey must be 32-byte hex`)
    if (typeof m.account !== 'string' || !/^0x[0-9a-fA-F]{40}$/.test(m.account)) fail(`${s.taskId}: committee[${i}].account must be an address`)
    if (!Array.isArray(m.multiaddrs) || m.multiaddrs.some((a: unknown) => typeof a !== 'string')) fail(`${s.taskId}: committee[${i}].multiaddrs must be strings`)
  })
  if (!Array.isArray(s.inputSlots) || s.inputSlots.length === 0 || s.inputSlots.length > 100_000) fail(`${s.taskId}: inputSlots must be a non-empty array`)
  const names = new Set<string>()
  for (const slot of s.inputSlots) {
    if (typeof slot?.name !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*(\[[0-9]+\])?$/.test(slot.name)) fail(`${s.taskId}: bad input slot name ${show(slot?.name)}`)
    if (names.has(slot.name)) fail(`${s.taskId}: input slot ${slot.name} appears twice`)
    names.add(slot.name)
    if (typeof slot.owner !== 'string' || !/^0x[0-9a-fA-F]{40}$/.test(slot.owner)) fail(`${s.taskId}: slot ${slot.name} owner must be an address`)
  }
  if (!Number.isSafeInteger(s.deadline) || s.deadline <= 0) fail(`${s.taskId}: deadline must be unix seconds`)
  if (s.recipients !== undefined) {
    if (typeof s.recipients !== 'object' || s.recipients === null) fail(`${s.taskId}: recipients must be an object (name → X25519 key)`)
    for (const [name, key] of Object.entries(s.recipients)) if (typeof key !== 'string' || !HEX32.test(key)) fail(`${s.taskId}: recipient ${name.slice(0, 80)} key must be 32-byte hex`)
  }
  // Hex is case-insensitive, but ids are compared as strings (the API lower-cases the URL's id):
  // one spelling everywhere, or a task written in upper case never matches (issue #15).
  return {
    ...s,
    taskId: s.taskId.toLowerCase(), codeHash: s.codeHash.toLowerCase(), paramsHash: s.paramsHash.toLowerCase(),
    committee: s.committee.map((m: any) => ({ ...m, encryptionKey: m.encryptionKey.toLowerCase() })),
  } as unknown as TaskSpec
}

/**
 * The task's recipients' keys must be exactly the recipients the circuit's `revealTo(name, x)` outputs
 * name: a missing key leaves an output undeliverable (found only after the whole computation), and a
 * key for a name the contract never uses is a creator's mistake (a misspelt name). Checked before any
 * work; throws NODE_CIRCUIT_MISMATCH, which fails the task with this message.
 */
export function checkRecipients(spec: Pick<TaskSpec, 'taskId' | 'recipients'>, circuit: { readonly outputs: readonly { readonly name: string; readonly recipient: string | null }[] }): void {
  const given = spec.recipients ?? {}
  const named = new Set<string>()
  for (const o of circuit.outputs) {
    if (o.recipient === null) continue
    named.add(o.recipient)
    if (!Object.hasOwn(given, o.recipient)) {
      throw new NodeError('NODE_CIRCUIT_MISMATCH', `task ${spec.taskId} names no key for recipient '${o.recipient}' of output '${o.name}' (revealTo); create the task with recipients { ${o.recipient}: <X25519 public key> }`)
    }
  }
  const extra = Object.keys(given).filter((r) => !named.has(r))
  if (extra.length > 0) {
    throw new NodeError('NODE_CIRCUIT_MISMATCH', `task ${spec.taskId} names recipients the contract does not reveal to: ${extra.map((r) => `'${r.slice(0, 80)}'`).join(', ')} (its revealTo recipients: ${[...named].map((r) => `'${r}'`).join(', ') || 'none'})`)
  }
}

/**
 * A chain task is priced from the cost its creator declared (issue #10 point 7): a node must not
 * run a circuit that costs more than was paid for. Call with the cost of the circuit the code hash
 * names (compiler report); throws NODE_CIRCUIT_MISMATCH. Tasks without a declared cost (file source) pass.
 */
export function checkDeclaredCost(spec: Pick<TaskSpec, 'taskId' | 'declaredCost'>, circuitCost: { readonly multiplications: number; readonly rounds: number }): void {
  const d = spec.declaredCost
  if (!d) return
  if (d.multiplications < circuitCost.multiplications || d.rounds < circuitCost.rounds) {
    throw new NodeError('NODE_CIRCUIT_MISMATCH', `task ${spec.taskId}: declared cost ${d.multiplications} multiplications / ${d.rounds} rounds is below the circuit's ${circuitCost.multiplications} / ${circuitCost.rounds}`)
  }
}
