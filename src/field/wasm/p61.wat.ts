/**
 * WebAssembly kernel for p = 2^61 − 1, as WAT text (assembled by ./build.ts into kernels.generated.ts).
 *
 * Elements are one i64 word, canonical (< p). Wasm has no 64×64→128 multiply, so a product is built
 * from 32-bit halves: a = a1·2^32 + a0 with a1 < 2^29, likewise b, and
 *   a·b = a1b1·2^64 + (a0b1 + a1b0)·2^32 + a0b0.
 * Since 2^61 ≡ 1 (mod p): 2^64 ≡ 8, and for mid = a0b1 + a1b0 (< 2^62),
 *   mid·2^32 = (mid >> 29)·2^61 + (mid mod 2^29)·2^32 ≡ (mid >> 29) + (mid mod 2^29)·2^32,
 * and a0b0 ≡ (a0b0 mod 2^61) + (a0b0 >> 61). The five terms sum below 2^63 (fits, no overflow);
 * folding once more ((r mod 2^61) + (r >> 61)) gives r ≤ p + 7, and `canon` maps [0, 2^62 − 1)
 * to [0, p) without a branch: r ≥ p ⇔ r + 1 ≥ 2^61, and then r − p = (r + 1) mod 2^61.
 *
 * Every function takes byte pointers into this module's memory and an element count; the JS glue
 * (./kernel.ts) copies chunks of the caller's BigUint64Arrays in and out.
 */
import { g, s, k, locals, loop } from './wat-helpers.ts'

const P = (1n << 61n) - 1n
const kP = k(P)

/** r := r mod 2^61 + r >> 61 (valid for any u64 r; result ≤ p + 7). */
const fold = (r: string): string => s(r, `(i64.add (i64.and ${g(r)} ${kP}) (i64.shr_u ${g(r)} (i64.const 61)))`)

/** r := r mod p for r < 2^62 − 1, branch-free. */
const canon = (r: string): string =>
  s(r, `(i64.and (i64.add ${g(r)} (i64.shr_u (i64.add ${g(r)} (i64.const 1)) (i64.const 61))) ${kP})`)

/** x0, x1 := low and high 32-bit halves of local x. */
const split = (x: string, x0: string, x1: string): string =>
  `${s(x0, `(i64.and ${g(x)} (i64.const 0xffffffff))`)} ${s(x1, `(i64.shr_u ${g(x)} (i64.const 32))`)}`

/**
 * r := x·y partially reduced (< 2^63, ≡ x·y mod p), with x given by halves (x0, x1) and y by (y0, y1).
 * Uses locals ll, mid.
 */
const mulHalves = (r: string, x0: string, x1: string, y0: string, y1: string): string => `
      ${s('ll', `(i64.mul ${g(x0)} ${g(y0)})`)}
      ${s('mid', `(i64.add (i64.mul ${g(x0)} ${g(y1)}) (i64.mul ${g(x1)} ${g(y0)}))`)}
      ${s(r, `(i64.add
        (i64.add (i64.and ${g('ll')} ${kP}) (i64.shr_u ${g('ll')} (i64.const 61)))
        (i64.add (i64.shl (i64.mul ${g(x1)} ${g(y1)}) (i64.const 3))
          (i64.add (i64.shr_u ${g('mid')} (i64.const 29))
                   (i64.shl (i64.and ${g('mid')} (i64.const 0x1fffffff)) (i64.const 32)))))`)}`

/** r := x·y mod p (canonical) for locals x, y. */
const mulFull = (r: string, x: string, y: string): string =>
  `${split(x, 'x0', 'x1')} ${split(y, 'y0', 'y1')} ${mulHalves(r, 'x0', 'x1', 'y0', 'y1')} ${fold(r)} ${canon(r)}`

/**
 * r := r² partially reduced, for r < 2^61 + 8 (so its high half is ≤ 2^29): the terms of mulHalves
 * with x = y (one multiply fewer: mid = 2·r0·r1 < 2^62) sum below 2^63, and one fold leaves r ≤ p + 3,
 * again < 2^61 + 8. Used by sqrPow2k, which `canon`s once after the last squaring.
 * Uses locals <r>0, <r>1, <r>l, <r>m (one set per interleaved lane).
 */
const sqrPartial = (r: string): string => `
      ${split(r, `${r}0`, `${r}1`)}
      ${s(`${r}l`, `(i64.mul ${g(`${r}0`)} ${g(`${r}0`)})`)}
      ${s(`${r}m`, `(i64.shl (i64.mul ${g(`${r}0`)} ${g(`${r}1`)}) (i64.const 1))`)}
      ${s(r, `(i64.add
        (i64.add (i64.and ${g(`${r}l`)} ${kP}) (i64.shr_u ${g(`${r}l`)} (i64.const 61)))
        (i64.add (i64.shl (i64.mul ${g(`${r}1`)} ${g(`${r}1`)}) (i64.const 3))
          (i64.add (i64.shr_u ${g(`${r}m`)} (i64.const 29))
                   (i64.shl (i64.and ${g(`${r}m`)} (i64.const 0x1fffffff)) (i64.const 32)))))`)}
      ${fold(r)}`

/** Interleaved lanes of sqrPow2k: independent squaring chains the CPU overlaps (each is latency-bound). */
const LANES = ['u', 'v', 'w', 'z'] as const
const laneLocals = locals('i64', LANES.flatMap((r) => [r, `${r}0`, `${r}1`, `${r}l`, `${r}m`]))

const L64 = locals('i64', ['x', 'y', 'z', 'x0', 'x1', 'y0', 'y1', 'll', 'mid', 'r', 'acc', 'inv'])
const L32 = locals('i32', ['end', 'i', 'q'])
const ld = (p: string): string => `(i64.load ${g(p)})`
const st = (p: string, v: string): string => `(i64.store ${g(p)} ${v})`

export function p61Wat(): string {
  return `(module
  (memory (export "memory") 4)

  (func $mulm (export "mulS") (param $a i64) (param $b i64) (result i64) ${L64} ${L32}
    ${s('x', g('a'))} ${s('y', g('b'))} ${mulFull('r', 'x', 'y')}
    ${g('r')})

  ;; x^e by square-and-multiply (used once per chunk by inv).
  (func $pow (export "powS") (param $b i64) (param $e i64) (result i64) (local $r i64)
    ${s('r', '(i64.const 1)')}
    (block $done (loop $next
      (br_if $done (i64.eqz ${g('e')}))
      (if (i32.wrap_i64 (i64.and ${g('e')} (i64.const 1))) (then ${s('r', `(call $mulm ${g('r')} ${g('b')})`)}))
      ${s('b', `(call $mulm ${g('b')} ${g('b')})`)}
      ${s('e', `(i64.shr_u ${g('e')} (i64.const 1))`)}
      (br $next)))
    ${g('r')})

  (func (export "add") (param $a i32) (param $b i32) (param $o i32) (param $n i32) ${L64} ${L32}
    ${loop(['a', 'b', 'o'], 8, `${s('r', `(i64.add ${ld('a')} ${ld('b')})`)} ${canon('r')} ${st('o', g('r'))}`)})

  (func (export "sub") (param $a i32) (param $b i32) (param $o i32) (param $n i32) ${L64} ${L32}
    ${loop(['a', 'b', 'o'], 8, `${s('r', `(i64.add ${ld('a')} (i64.sub ${kP} ${ld('b')}))`)} ${canon('r')} ${st('o', g('r'))}`)})

  (func (export "neg") (param $a i32) (param $o i32) (param $n i32) ${L64} ${L32}
    ${loop(['a', 'o'], 8, `${s('r', `(i64.sub ${kP} ${ld('a')})`)} ${canon('r')} ${st('o', g('r'))}`)})

  (func (export "addScalar") (param $a i32) (param $c i64) (param $o i32) (param $n i32) ${L64} ${L32}
    ${loop(['a', 'o'], 8, `${s('r', `(i64.add ${ld('a')} ${g('c')})`)} ${canon('r')} ${st('o', g('r'))}`)})

  (func (export "mul") (param $a i32) (param $b i32) (param $o i32) (param $n i32) ${L64} ${L32}
    ${loop(['a', 'b', 'o'], 8, `
      ${s('x', ld('a'))} ${s('y', ld('b'))} ${split('x', 'x0', 'x1')} ${split('y', 'y0', 'y1')}
      ${mulHalves('r', 'x0', 'x1', 'y0', 'y1')} ${fold('r')} ${canon('r')} ${st('o', g('r'))}`)})

  (func (export "muladd") (param $a i32) (param $b i32) (param $c i32) (param $o i32) (param $n i32) ${L64} ${L32}
    ${loop(['a', 'b', 'c', 'o'], 8, `
      ${s('x', ld('a'))} ${s('y', ld('b'))} ${split('x', 'x0', 'x1')} ${split('y', 'y0', 'y1')}
      ${mulHalves('r', 'x0', 'x1', 'y0', 'y1')} ${fold('r')}
      ${s('r', `(i64.add ${g('r')} ${ld('c')})`)} ${fold('r')} ${canon('r')} ${st('o', g('r'))}`)})

  (func (export "scale") (param $a i32) (param $c i64) (param $o i32) (param $n i32) ${L64} ${L32}
    ${split('c', 'y0', 'y1')}
    ${loop(['a', 'o'], 8, `
      ${s('x', ld('a'))} ${split('x', 'x0', 'x1')}
      ${mulHalves('r', 'x0', 'x1', 'y0', 'y1')} ${fold('r')} ${canon('r')} ${st('o', g('r'))}`)})

  ;; y += c·x (in place on y)
  (func (export "axpy") (param $c i64) (param $a i32) (param $o i32) (param $n i32) ${L64} ${L32}
    ${split('c', 'y0', 'y1')}
    ${loop(['a', 'o'], 8, `
      ${s('x', ld('a'))} ${split('x', 'x0', 'x1')}
      ${mulHalves('r', 'x0', 'x1', 'y0', 'y1')} ${fold('r')}
      ${s('r', `(i64.add ${g('r')} ${ld('o')})`)} ${fold('r')} ${canon('r')} ${st('o', g('r'))}`)})

  ;; Σ a[i]·b[i]; the accumulator stays below 2^62 by folding after each addition.
  (func (export "dot") (param $a i32) (param $b i32) (param $n i32) (result i64) ${L64} ${L32}
    ${loop(['a', 'b'], 8, `
      ${s('x', ld('a'))} ${s('y', ld('b'))} ${split('x', 'x0', 'x1')} ${split('y', 'y0', 'y1')}
      ${mulHalves('r', 'x0', 'x1', 'y0', 'y1')} ${fold('r')}
      ${s('acc', `(i64.add ${g('acc')} ${g('r')})`)} ${fold('acc')}`)}
    ${fold('acc')} ${canon('acc')} ${g('acc')})

  (func (export "sum") (param $a i32) (param $n i32) (result i64) ${L64} ${L32}
    ${loop(['a'], 8, `${s('acc', `(i64.add ${g('acc')} ${ld('a')})`)} ${fold('acc')}`)}
    ${canon('acc')} ${g('acc')})

  ;; Montgomery batch inversion of a[0..n) into o (s is scratch for prefix products; o may equal a).
  ;; Returns 1, or 0 when some element is zero (then o is garbage).
  (func (export "inv") (param $a i32) (param $o i32) (param $t i32) (param $n i32) (result i32) ${L64} ${L32}
    (local $a0 i32) (local $t0 i32) (local $o0 i32)
    ${s('a0', g('a'))} ${s('t0', g('t'))} ${s('o0', g('o'))}
    ${s('acc', '(i64.const 1)')}
    ${loop(['a', 't'], 8, `${st('t', g('acc'))} ${s('x', ld('a'))} ${mulFull('acc', 'acc', 'x')}`)}
    (if (i64.eqz ${g('acc')}) (then (return (i32.const 0))))
    ${s('inv', `(call $pow ${g('acc')} ${k(P - 2n)})`)}
    ;; walk back: o[i] = inv·t[i] (= 1/a[i]), then inv ·= a[i]
    ${s('i', g('n'))}
    (block $done (loop $next
      (br_if $done (i32.eqz ${g('i')}))
      ${s('i', `(i32.sub ${g('i')} (i32.const 1))`)}
      ${s('q', `(i32.shl ${g('i')} (i32.const 3))`)}
      ${s('y', `(i64.load (i32.add ${g('t0')} ${g('q')}))`)}
      ${mulFull('r', 'inv', 'y')}
      ${s('x', `(i64.load (i32.add ${g('a0')} ${g('q')}))`)}
      ${mulFull('inv', 'inv', 'x')}
      (i64.store (i32.add ${g('o0')} ${g('q')}) ${g('r')})
      (br $next)))
    (i32.const 1))

  ;; Rejection sampling: mask each random word of src to 61 bits, keep it when < p, and write the
  ;; kept ones compactly to o (o ≤ src is fine: o never overtakes src). Returns how many were kept.
  (func (export "sample") (param $a i32) (param $o i32) (param $n i32) (result i32) ${L64} ${L32}
    (local $o0 i32) ${s('o0', g('o'))}
    ${loop(['a'], 8, `
      ${s('x', `(i64.and ${ld('a')} ${kP})`)} ${st('o', g('x'))}
      ${s('o', `(i32.add ${g('o')} (i32.shl (i64.ne ${g('x')} ${kP}) (i32.const 3)))`)}`)}
    (i32.shr_u (i32.sub ${g('o')} ${g('o0')}) (i32.const 3)))

  ;; o[i] := a[i]^(2^k): k squarings per element kept in registers (square roots in p ≡ 3 mod 4 are
  ;; x^((p+1)/4) = x^(2^59)), four elements at a time so their dependency chains overlap.
  (func (export "sqrPow2k") (param $a i32) (param $o i32) (param $n i32) (param $k i32) ${laneLocals} ${L32}
    (local $quads i32) (local $c i32)
    ${s('quads', `(i32.div_u ${g('n')} (i32.const ${LANES.length}))`)}
    (block $qdone (loop $qnext
      (br_if $qdone (i32.eqz ${g('quads')}))
      ${LANES.map((r, j) => s(r, `(i64.load offset=${8 * j} ${g('a')})`)).join(' ')}
      ${s('c', g('k'))}
      (block $sdone (loop $snext
        (br_if $sdone (i32.eqz ${g('c')}))
        ${LANES.map(sqrPartial).join('')}
        ${s('c', `(i32.sub ${g('c')} (i32.const 1))`)}
        (br $snext)))
      ${LANES.map((r, j) => `${canon(r)} (i64.store offset=${8 * j} ${g('o')} ${g(r)})`).join(' ')}
      ${s('a', `(i32.add ${g('a')} (i32.const ${8 * LANES.length}))`)} ${s('o', `(i32.add ${g('o')} (i32.const ${8 * LANES.length}))`)}
      ${s('quads', `(i32.sub ${g('quads')} (i32.const 1))`)}
      (br $qnext)))
    ${s('n', `(i32.rem_u ${g('n')} (i32.const ${LANES.length}))`)}
    ${loop(['a', 'o'], 8, `${s('u', ld('a'))} ${s('c', g('k'))}
      (block $sdone (loop $snext
        (br_if $sdone (i32.eqz ${g('c')}))
        ${sqrPartial('u')}
        ${s('c', `(i32.sub ${g('c')} (i32.const 1))`)}
        (br $snext)))
      ${canon('u')} ${st('o', g('u'))}`)})

  ;; Fused rejection sampling and accumulation: for each random word of a, masked to 61 bits and kept
  ;; when < p (exactly as "sample"), o[kept++] += c·x. Returns how many were kept; o[kept..) is untouched.
  (func (export "sampleAxpy") (param $c i64) (param $a i32) (param $o i32) (param $n i32) (result i32) ${L64} ${L32}
    (local $o0 i32) ${s('o0', g('o'))}
    ${split('c', 'y0', 'y1')}
    ${loop(['a'], 8, `
      ${s('x', `(i64.and ${ld('a')} ${kP})`)}
      (if (i64.ne ${g('x')} ${kP}) (then
        ${split('x', 'x0', 'x1')}
        ${mulHalves('r', 'x0', 'x1', 'y0', 'y1')} ${fold('r')}
        ${s('r', `(i64.add ${g('r')} ${ld('o')})`)} ${fold('r')} ${canon('r')} ${st('o', g('r'))}
        ${s('o', `(i32.add ${g('o')} (i32.const 8))`)}))`)}
    (i32.shr_u (i32.sub ${g('o')} ${g('o0')}) (i32.const 3)))

  ;; Index of the first element ≥ p, or −1.
  (func (export "firstInvalid") (param $a i32) (param $n i32) (result i32) ${L64} ${L32}
    ${loop(['a'], 8, `
      (if (i64.ge_u ${ld('a')} ${kP}) (then (return (i32.sub ${g('n')} (i32.shr_u (i32.sub ${g('end')} ${g('a')}) (i32.const 3))))))`)}
    (i32.const -1))
)`
}
