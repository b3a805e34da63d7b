/**
 * One party's side of the honest-majority MPC protocols (DESIGN.md §3), over a `Transport`.
 * Every function is vectorised: a call on N elements costs the rounds of one element.
 * Modules, in dependency order:
 * - transport: what the protocols need from the network (implemented in engine/ and node/)
 * - session: the per-party context (field, n, t, transport, mode, program counter, pools, MAC key)
 * - exchange: one labelled communication round
 * - linear: local operations (add, sub, public scaling and offsets, slicing)
 * - pools: preprocessing of random and double random sharings (DN07 extraction)
 * - zero-sharing: fresh sharings of zero (re-randomising private outputs)
 * - open: opening to all / to one party (checked in malicious mode), openMasked for masked values
 * - mul: DN07 multiplication with a rotating king
 * - mac: malicious-mode MACs and the final check (Chida et al. 2018), output
 * - coin: public random coins
 * - input: dealing inputs with the batch degree-t check
 * - bits: random bits, bit-level circuits
 * - compare: lsb, <, <=, >, >=, ==, !=
 * - trunc, division, bit-decompose: fixed point and integer arithmetic
 * - committee-view, reshare: moving a sharing to another committee without reconstructing it
 */
export * from './transport.ts'
export * from './errors.ts'
export * from './session.ts'
export * from './exchange.ts'
export * from './linear.ts'
export * from './pools.ts'
export * from './zero-sharing.ts'
export * from './open.ts'
export * from './mul.ts'
export * from './mac.ts'
export * from './coin.ts'
export * from './prg.ts'
export * from './input.ts'
export * from './bits.ts'
export * from './compare.ts'
export * from './bit-decompose.ts'
export * from './trunc.ts'
export * from './division.ts'
export * from './committee-view.ts'
export * from './reshare.ts'
