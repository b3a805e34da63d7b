/**
 * A token with secret balances held as contract state. Each task is one transfer `from → to` of a
 * secret amount; a transfer larger than the sender's balance fails *silently* (balances unchanged, and
 * nothing says so: a revealed failure would leak that the balance was small). Holders learn only their
 * own balance (`revealTo`). Secret indexing (readAt/writeAt) costs one equality per account, so
 * nobody learns who paid whom either: `from` and `to` are secret inputs too.
 */
import { array, defineContract, persist, readAt, revealTo, uint, uint32, writeAt } from '../src/lang/index.ts'

/** Balances are 48-bit: a balance plus a 32-bit amount then needs 49 bits, which the comparisons handle. */
const BALANCE_BITS = 48

export default defineContract({
  name: 'private-token',
  params: { accounts: { min: 2, max: 256 } },
  inputs: { from: uint32, to: uint32, amount: uint32, mint: uint32 },
  state: ({ accounts }) => ({ balances: array(uint(BALANCE_BITS), accounts) }),
  compute: ({ from, to, amount, mint }, { accounts }, { balances }) => {
    // Minting (a faucet in this example) credits `to` before the transfer; wrap keeps the declared width.
    const minted = writeAt(balances, to, readAt(balances, to).add(mint).wrap(BALANCE_BITS))
    const have = readAt(minted, from)
    // A transfer to an unknown account would burn the amount: refused like an overdraft.
    const ok = have.ge(amount).and(from.ne(to)).and(to.lt(accounts))
    const moved = amount.mul(ok.toInt())
    // readAt's sum of one-hot terms has a range wider than one balance: wrap re-proves the width.
    const debited = writeAt(minted, from, have.sub(moved).wrap(BALANCE_BITS))
    const credited = writeAt(debited, to, readAt(debited, to).add(moved).wrap(BALANCE_BITS))
    const outputs = Object.fromEntries(credited.map((b, i) => [`balance${i}`, revealTo(`holder${i}`, b)]))
    return { ...outputs, state: persist({ balances: credited }) }
  },
})

/** Plaintext reference: one task on `balances` (zeros before the first). */
export function reference(
  { from, to, amount, mint }: { from: number; to: number; amount: number; mint: number },
  { accounts }: { accounts: number },
  balances: number[] = new Array<number>(accounts).fill(0),
) {
  const next = [...balances]
  const M = 2 ** BALANCE_BITS
  if (to < accounts) next[to] = (next[to]! + mint) % M
  const have = from < accounts ? next[from]! : 0
  if (from < accounts && to < accounts && from !== to && have >= amount) {
    next[from] = have - amount
    next[to] = (next[to]! + amount) % M
  }
  return { outputs: Object.fromEntries(next.map((b, i) => [`balance${i}`, b])), state: { balances: next } }
}
