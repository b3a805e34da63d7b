/**
 * Persistent secret state in the engine (issue #11 §2; the whitepaper's MPC.get / MPC.set): a stateful
 * circuit reads the current version as *shared inputs* and returns this party's shares of the next one,
 * which are never opened (a contract declassifies part of it with an ordinary `reveal`).
 *
 * - Read: the caller hands this party's shares of the current version, the `state.read` wires in order
 *   (circuit/types.ts `CircuitState`). Version 0 is all zeros: the all-zero vector is every party's share
 *   of the constant polynomial 0, a valid degree-t sharing that needs no hand-off. A later version comes
 *   from the holders by re-sharing (node/reshare-session.ts), whose malicious-mode checks make it a
 *   degree-t sharing; here, in malicious mode, it is authenticated with the session's MAC key exactly as
 *   checked client inputs are (protocols `authenticate`, Chida et al. 2018 §4), so a party that alters
 *   its state share afterwards is caught by the final MAC check like any other alteration.
 * - Write: the `state.write` wires' shares, concatenated, after the malicious-mode MAC check of the
 *   whole computation (nothing is stored, and no receipt signed, for a computation that failed it).
 */
import * as P from '../protocols/index.ts'
import type { MpcSession, Shared } from '../protocols/index.ts'
import type { Circuit } from '../circuit/types.ts'
import type { FieldVector } from '../field/types.ts'
import { EnigmaError } from '../common/errors.ts'

export class CircuitStateError extends EnigmaError {
  override name = 'CircuitStateError'
  constructor(what: string) {
    super('ENGINE_STATE', what)
  }
}

/** Number of field elements of a circuit's state (0 for a stateless circuit). */
export function stateLength(c: Circuit): number {
  return (c.state?.read ?? []).reduce((a, r) => a + r.wires.length, 0)
}

/** This party's shares of version 0: all zeros (the zero polynomial's shares). */
export function zeroStateShares(s: MpcSession, c: Circuit): FieldVector {
  return s.field.zeros(stateLength(c))
}

/**
 * Place this party's shares of the current version on the `state.read` wires (authenticated in
 * malicious mode). Throws when a stateful circuit gets no state or a state of the wrong length, or a
 * stateless one gets one.
 */
export async function importState(s: MpcSession, c: Circuit, shares: FieldVector | undefined, place: (wire: number, v: Shared) => void): Promise<void> {
  if (!c.state) {
    if (shares !== undefined) throw new CircuitStateError(`${c.name} declares no state, but a state was given`)
    return
  }
  if (shares === undefined) throw new CircuitStateError(`${c.name} is stateful: pass this party's shares of the current state (zeros for version 0)`)
  const len = stateLength(c)
  if (s.field.len(shares) !== len) throw new CircuitStateError(`state of ${c.name} has ${len} elements, got ${s.field.len(shares)}`)
  const all = await P.authenticate(s, shares)
  let k = 0
  for (const r of c.state.read) for (const w of r.wires) { place(w, P.slice(s, all, k, k + 1)); k++ }
}

/** This party's shares of the next version (the `state.write` wires in order), after the MAC check. */
export async function exportState(s: MpcSession, c: Circuit, shareOf: (wire: number) => Shared): Promise<FieldVector | undefined> {
  if (!c.state) return undefined
  const next = P.concat(s, c.state.write.flatMap((w) => w.wires.map(shareOf)))
  await P.verify(s)
  return s.field.slice(next.v, 0)
}
