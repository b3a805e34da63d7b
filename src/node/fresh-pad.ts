/**
 * A fresh pad for input shares that arrive by re-sharing instead of from their owner: a record handed to a
 * task committee (record-handoff.ts) and a re-run's inputs (rerun.ts). Why it is needed: a slot's
 * last element is the pad of the batch degree-t check of inputs (protocols `acceptDealt`), which opens
 * `z = Σ_l ρ_l·x_l + pad` with a fresh coin ρ. A client's envelope carries a fresh random pad per task;
 * a re-shared record would carry its *custody* pad, the same value in every task that uses the record,
 * and two such openings give `z − z' = Σ_l (ρ_l − ρ'_l)·x_l`: for a one-element record, the record
 * itself, to every member of both committees. So the task committee adds a fresh random sharing to the
 * pad before the slot is stored: the pad is then uniform and independent across uses, as a client's.
 *
 * The random sharing is the committee's ordinary preprocessing (`takeRandom`: PRSS for small
 * committees, DN07 extraction otherwise), which no t members can predict. A corrupt member that makes
 * it inconsistent makes the slot fail the batch degree check: an abort, never a wrong value and never
 * a leak (the honest members' contribution is a uniformly random degree-t polynomial, which hides
 * everything the opening would show).
 */
import type { FieldVector } from '../field/types.ts'
import { takeRandom, type MpcSession } from '../protocols/index.ts'

/** `share` (the slot's elements, then its pad) with a fresh random sharing added to the pad. */
export async function freshenPad(s: MpcSession, share: FieldVector): Promise<FieldVector> {
  return (await freshenPads(s, [share]))[0]!
}

/**
 * Every slot's pad made fresh at once (one `takeRandom` for all of them): the shares a re-run's committee
 * receives (src/node/rerun.ts) carry the pads the previous attempt's input check already used, so they
 * are refreshed exactly as a record's are.
 */
export async function freshenPads(s: MpcSession, shares: readonly FieldVector[]): Promise<FieldVector[]> {
  const f = s.field
  const r = await takeRandom(s, shares.length)
  return shares.map((share, i) => {
    const n = f.len(share)
    const out = f.slice(share, 0, n)
    f.set(out, n - 1, f.addS(f.get(out, n - 1), f.get(r, i)))
    return out
  })
}
