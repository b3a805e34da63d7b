/**
 * WebAssembly kernel for p = 2^127 − 1, as WAT text (assembled by ./build.ts into kernels.generated.ts).
 *
 * Elements are two i64 words (lo, hi), canonical (< p, so hi < 2^63). For a product, each factor
 * is split into five 26-bit limbs (the poly1305-donna layout): x = Σ x_i·2^(26i), x4 < 2^23. Since
 * 2^130 = 8·2^127 ≡ 8 (mod p), the schoolbook columns 5..8 fold into columns 0..3 times 8:
 *   e_k = Σ_{i+j=k} x_i·y_j + Σ_{i+j=k+5} x_i·(8·y_j),   k = 0..4.
 * Every product is < 2^55 and every e_k < 2^58, so the plain i64 multiplies and adds never
 * overflow, and no 64×64→128 multiply is needed. One carry pass brings the limbs back to 26 bits
 * (23 for the top one, whose carry has weight 2^127 ≡ 1 and goes back to limb 0), the limbs are
 * packed into (lo, hi) and `canon` subtracts p once if needed: V ≥ p ⇔ V + 1 ≥ 2^127.
 *
 * Functions take byte pointers into this module's memory and an element count; scalars are passed
 * as (lo, hi) i64 pairs; dot and sum leave their result at bytes 0..15.
 */
import { g, s, k, locals, loop } from './wat-helpers.ts'

const M26 = k((1n << 26n) - 1n)
const M23 = k((1n << 23n) - 1n)
const M63 = k((1n << 63n) - 1n)
const ALL = '(i64.const -1)'
const i64c = (n: number): string => `(i64.const ${n})`

/** Five 26-bit limbs pfx0..pfx4 of the element (lo, hi). */
const unpack = (pfx: string, lo: string, hi: string): string => [
  s(`${pfx}0`, `(i64.and ${g(lo)} ${M26})`),
  s(`${pfx}1`, `(i64.and (i64.shr_u ${g(lo)} ${i64c(26)}) ${M26})`),
  s(`${pfx}2`, `(i64.and (i64.or (i64.shr_u ${g(lo)} ${i64c(52)}) (i64.shl ${g(hi)} ${i64c(12)})) ${M26})`),
  s(`${pfx}3`, `(i64.and (i64.shr_u ${g(hi)} ${i64c(14)}) ${M26})`),
  s(`${pfx}4`, `(i64.shr_u ${g(hi)} ${i64c(40)})`),
].join(' ')

/** s1..s4 := 8·b1..8·b4 (the folded weights of columns 5..8). */
const eights = (): string => [1, 2, 3, 4].map((i) => s(`s${i}`, `(i64.shl ${g(`b${i}`)} ${i64c(3)})`)).join(' ')

const prod = (x: string, y: string): string => `(i64.mul ${g(x)} ${g(y)})`
const sumOf = (terms: string[]): string => terms.reduce((acc, t) => `(i64.add ${acc} ${t})`)

/** e0..e4 := the folded product columns of a0..a4 and b0..b4 (s1..s4 = 8·b1..8·b4); each < 2^58. */
function columns(): string {
  const e: string[] = []
  for (let col = 0; col < 5; col++) {
    const terms: string[] = []
    for (let i = 0; i < 5; i++) {
      const j = col - i
      terms.push(j >= 0 ? prod(`a${i}`, `b${j}`) : prod(`a${i}`, `s${j + 5}`))
    }
    e.push(s(`e${col}`, sumOf(terms)))
  }
  return e.join('\n      ')
}

/**
 * e0..e4 := the folded columns of a² from its limbs a0..a4: each cross product a_i·a_j (i < j) once,
 * doubled, and the columns 5..8 times 8 as in `columns` (15 products instead of 25). Every term is
 * < 16·2^52 = 2^56 and a column has at most three, so each e_k < 2^58 as in `columns`.
 */
function squareColumns(): string {
  const e: string[] = []
  for (let col = 0; col < 5; col++) {
    const terms: string[] = []
    for (let i = 0; i < 5; i++) {
      for (let j = i; j < 5; j++) {
        const weight = (i + j === col ? 1 : i + j === col + 5 ? 8 : 0) * (i === j ? 1 : 2)
        if (weight === 0) continue
        const shift = Math.log2(weight)
        terms.push(shift === 0 ? prod(`a${i}`, `a${j}`) : `(i64.mul ${g(`a${i}`)} (i64.shl ${g(`a${j}`)} ${i64c(shift)}))`)
      }
    }
    e.push(s(`e${col}`, sumOf(terms)))
  }
  return e.join('\n      ')
}

/**
 * (lo, hi) := Σ e_k·2^(26k) mod p for e_k < 2^63: one carry pass (the top carry has weight
 * 2^127 ≡ 1 and returns to e0, which stays < 2^38), pack into two words, `canon`.
 */
function reduceColumns(lo: string, hi: string): string {
  const carry = (from: number, to: number, bits: number, mask: string): string =>
    `${s('c', `(i64.shr_u ${g(`e${from}`)} ${i64c(bits)})`)} ${s(`e${from}`, `(i64.and ${g(`e${from}`)} ${mask})`)} ${s(`e${to}`, `(i64.add ${g(`e${to}`)} ${g('c')})`)}`
  return `
      ${carry(0, 1, 26, M26)} ${carry(1, 2, 26, M26)} ${carry(2, 3, 26, M26)} ${carry(3, 4, 26, M26)} ${carry(4, 0, 23, M23)}
      ${s('c', `(i64.shl ${g('e2')} ${i64c(52)})`)}
      ${s(lo, `(i64.add (i64.add ${g('e0')} (i64.shl ${g('e1')} ${i64c(26)})) ${g('c')})`)}
      ${s(hi, sumOf([`(i64.shr_u ${g('e2')} ${i64c(12)})`, `(i64.shl ${g('e3')} ${i64c(14)})`, `(i64.shl ${g('e4')} ${i64c(40)})`, `(i64.extend_i32_u (i64.lt_u ${g(lo)} ${g('c')}))`]))}
      ${canon(lo, hi)}`
}

/** (lo, hi) := a·b mod p from limbs a0..a4, b0..b4 and s1..s4 = 8·b1..8·b4. */
const mulLimbs = (lo: string, hi: string): string => `
      ${columns()}
      ${reduceColumns(lo, hi)}`

/** (lo, hi) := V mod p for V = hi·2^64 + lo ≤ 2^128 − 2, branch-free. */
function canon(lo: string, hi: string): string {
  return `${s('tl', `(i64.add ${g(lo)} ${i64c(1)})`)}
      ${s('th', `(i64.add ${g(hi)} (i64.extend_i32_u (i64.eqz ${g('tl')})))`)}
      ${s('q', `(i32.wrap_i64 (i64.shr_u ${g('th')} ${i64c(63)}))`)}
      ${s(lo, `(select ${g('tl')} ${g(lo)} ${g('q')})`)}
      ${s(hi, `(select (i64.and ${g('th')} ${M63}) ${g(hi)} ${g('q')})`)}`
}

/** (lo, hi) := (xl, xh) + (yl, yh) mod p for canonical inputs (yl, yh may be p itself). */
const addInto = (lo: string, hi: string, xl: string, xh: string, yl: string, yh: string): string => `
      ${s('tl', `(i64.add ${g(xl)} ${g(yl)})`)}
      ${s(hi, `(i64.add (i64.add ${g(xh)} ${g(yh)}) (i64.extend_i32_u (i64.lt_u ${g('tl')} ${g(xl)})))`)}
      ${s(lo, g('tl'))}
      ${canon(lo, hi)}`

/** acc += (f0..f4 reduced), f := 0 (used by dot). */
const flushColumns = (): string => `
      ${[0, 1, 2, 3, 4].map((k) => s(`e${k}`, g(`f${k}`))).join(' ')}
      ${reduceColumns('lo', 'hi')}
      ${addInto('accl', 'acch', 'accl', 'acch', 'lo', 'hi')}
      ${[0, 1, 2, 3, 4].map((k) => s(`f${k}`, i64c(0))).join(' ')}`

const L64 = locals('i64', [
  'alo', 'ahi', 'blo', 'bhi', 'clo', 'chi', 'lo', 'hi', 'tl', 'th', 'c', 'accl', 'acch',
  'a0', 'a1', 'a2', 'a3', 'a4', 'b0', 'b1', 'b2', 'b3', 'b4', 's1', 's2', 's3', 's4', 'e0', 'e1', 'e2', 'e3', 'e4',
])
const L32 = locals('i32', ['end', 'i', 'q'])
const ld = (p: string, off = 0): string => `(i64.load offset=${off} ${g(p)})`
const st = (p: string, lo: string, hi: string): string => `(i64.store ${g(p)} ${g(lo)}) (i64.store offset=8 ${g(p)} ${g(hi)})`
const load = (p: string, lo: string, hi: string): string => `${s(lo, ld(p))} ${s(hi, ld(p, 8))}`

export function p127Wat(): string {
  return `(module
  (memory (export "memory") 6)

  (func $mulm (export "mulS") (param $xl i64) (param $xh i64) (param $yl i64) (param $yh i64) (result i64 i64) ${L64} ${L32}
    ${unpack('a', 'xl', 'xh')} ${unpack('b', 'yl', 'yh')} ${eights()}
    ${mulLimbs('lo', 'hi')}
    ${g('lo')} ${g('hi')})

  ;; b^e by square-and-multiply over the 128 exponent bits (used once per chunk by inv).
  (func $pow (export "powS") (param $bl i64) (param $bh i64) (param $el i64) (param $eh i64) (result i64 i64)
    (local $rl i64) (local $rh i64) (local $w i64) (local $cnt i32) (local $word i32)
    ${s('rl', i64c(1))}
    (block $words (loop $word_loop
      (br_if $words (i32.ge_u ${g('word')} (i32.const 2)))
      ${s('w', `(select ${g('el')} ${g('eh')} (i32.eqz ${g('word')}))`)}
      ${s('cnt', '(i32.const 64)')}
      (block $done (loop $next
        (br_if $done (i32.eqz ${g('cnt')}))
        (if (i32.wrap_i64 (i64.and ${g('w')} ${i64c(1)})) (then
          (call $mulm ${g('rl')} ${g('rh')} ${g('bl')} ${g('bh')}) (local.set $rh) (local.set $rl)))
        (call $mulm ${g('bl')} ${g('bh')} ${g('bl')} ${g('bh')}) (local.set $bh) (local.set $bl)
        ${s('w', `(i64.shr_u ${g('w')} ${i64c(1)})`)}
        ${s('cnt', `(i32.sub ${g('cnt')} (i32.const 1))`)}
        (br $next)))
      ${s('word', `(i32.add ${g('word')} (i32.const 1))`)}
      (br $word_loop)))
    ${g('rl')} ${g('rh')})

  (func (export "add") (param $a i32) (param $b i32) (param $o i32) (param $n i32) ${L64} ${L32}
    ${loop(['a', 'b', 'o'], 16, `${load('a', 'alo', 'ahi')} ${load('b', 'blo', 'bhi')}
      ${addInto('lo', 'hi', 'alo', 'ahi', 'blo', 'bhi')} ${st('o', 'lo', 'hi')}`)})

  ;; a − b = a + (p − b); p − b is a word-wise complement because p is all ones.
  (func (export "sub") (param $a i32) (param $b i32) (param $o i32) (param $n i32) ${L64} ${L32}
    ${loop(['a', 'b', 'o'], 16, `${load('a', 'alo', 'ahi')}
      ${s('blo', `(i64.xor ${ld('b')} ${ALL})`)} ${s('bhi', `(i64.sub ${M63} ${ld('b', 8)})`)}
      ${addInto('lo', 'hi', 'alo', 'ahi', 'blo', 'bhi')} ${st('o', 'lo', 'hi')}`)})

  (func (export "neg") (param $a i32) (param $o i32) (param $n i32) ${L64} ${L32}
    ${loop(['a', 'o'], 16, `
      ${s('lo', `(i64.xor ${ld('a')} ${ALL})`)} ${s('hi', `(i64.sub ${M63} ${ld('a', 8)})`)}
      ${canon('lo', 'hi')} ${st('o', 'lo', 'hi')}`)})

  (func (export "addScalar") (param $a i32) (param $sl i64) (param $sh i64) (param $o i32) (param $n i32) ${L64} ${L32}
    ${loop(['a', 'o'], 16, `${load('a', 'alo', 'ahi')}
      ${addInto('lo', 'hi', 'alo', 'ahi', 'sl', 'sh')} ${st('o', 'lo', 'hi')}`)})

  (func (export "mul") (param $a i32) (param $b i32) (param $o i32) (param $n i32) ${L64} ${L32}
    ${loop(['a', 'b', 'o'], 16, `${load('a', 'alo', 'ahi')} ${load('b', 'blo', 'bhi')}
      ${unpack('a', 'alo', 'ahi')} ${unpack('b', 'blo', 'bhi')} ${eights()}
      ${mulLimbs('lo', 'hi')} ${st('o', 'lo', 'hi')}`)})

  (func (export "muladd") (param $a i32) (param $b i32) (param $cp i32) (param $o i32) (param $n i32) ${L64} ${L32}
    ${loop(['a', 'b', 'cp', 'o'], 16, `${load('a', 'alo', 'ahi')} ${load('b', 'blo', 'bhi')}
      ${unpack('a', 'alo', 'ahi')} ${unpack('b', 'blo', 'bhi')} ${eights()}
      ${mulLimbs('alo', 'ahi')} ${load('cp', 'clo', 'chi')}
      ${addInto('lo', 'hi', 'alo', 'ahi', 'clo', 'chi')} ${st('o', 'lo', 'hi')}`)})

  (func (export "scale") (param $a i32) (param $yl i64) (param $yh i64) (param $o i32) (param $n i32) ${L64} ${L32}
    ${unpack('b', 'yl', 'yh')} ${eights()}
    ${loop(['a', 'o'], 16, `${load('a', 'alo', 'ahi')} ${unpack('a', 'alo', 'ahi')}
      ${mulLimbs('lo', 'hi')} ${st('o', 'lo', 'hi')}`)})

  ;; y += c·x (in place on y)
  (func (export "axpy") (param $yl i64) (param $yh i64) (param $a i32) (param $o i32) (param $n i32) ${L64} ${L32}
    ${unpack('b', 'yl', 'yh')} ${eights()}
    ${loop(['a', 'o'], 16, `${load('a', 'alo', 'ahi')} ${unpack('a', 'alo', 'ahi')}
      ${mulLimbs('alo', 'ahi')} ${load('o', 'clo', 'chi')}
      ${addInto('lo', 'hi', 'alo', 'ahi', 'clo', 'chi')} ${st('o', 'lo', 'hi')}`)})

  ;; Σ a[i]·b[i]: the unreduced columns of 32 products are summed (each < 2^58, so the sums stay
  ;; < 2^63) and reduced once per block, saving the carry pass, packing and canon per element.
  (func (export "dot") (param $a i32) (param $b i32) (param $n i32) ${L64} ${L32}
    (local $f0 i64) (local $f1 i64) (local $f2 i64) (local $f3 i64) (local $f4 i64) (local $cnt i32)
    ${loop(['a', 'b'], 16, `${load('a', 'alo', 'ahi')} ${load('b', 'blo', 'bhi')}
      ${unpack('a', 'alo', 'ahi')} ${unpack('b', 'blo', 'bhi')} ${eights()}
      ${columns()}
      ${[0, 1, 2, 3, 4].map((k) => s(`f${k}`, `(i64.add ${g(`f${k}`)} ${g(`e${k}`)})`)).join(' ')}
      ${s('cnt', `(i32.add ${g('cnt')} (i32.const 1))`)}
      (if (i32.eq ${g('cnt')} (i32.const 32)) (then ${flushColumns()} ${s('cnt', '(i32.const 0)')}))`)}
    ${flushColumns()}
    (i64.store (i32.const 0) ${g('accl')}) (i64.store (i32.const 8) ${g('acch')}))

  ;; Lazy linear combinations: f[i] (five i64 columns, 40 bytes) += columns(c·a[i]). Up to 32 calls
  ;; keep every column < 2^63; colFlush then reduces each element once.
  (func (export "colAxpy") (param $yl i64) (param $yh i64) (param $a i32) (param $f i32) (param $n i32) ${L64} ${L32}
    ${unpack('b', 'yl', 'yh')} ${eights()}
    ${loop(['a', ['f', 40]], 16, `${load('a', 'alo', 'ahi')} ${unpack('a', 'alo', 'ahi')}
      ${columns()}
      ${[0, 1, 2, 3, 4].map((k) => `(i64.store offset=${8 * k} ${g('f')} (i64.add ${ld('f', 8 * k)} ${g(`e${k}`)}))`).join(' ')}`)})

  ;; o[i] := reduce(f[i]) (+ o[i] when $acc ≠ 0), and f[i] := 0.
  (func (export "colFlush") (param $f i32) (param $o i32) (param $n i32) (param $acc i32) ${L64} ${L32}
    ${loop([['f', 40], 'o'], 16, `
      ${[0, 1, 2, 3, 4].map((k) => `${s(`e${k}`, ld('f', 8 * k))} (i64.store offset=${8 * k} ${g('f')} ${i64c(0)})`).join(' ')}
      ${reduceColumns('alo', 'ahi')}
      ${s('clo', `(select ${ld('o')} ${i64c(0)} ${g('acc')})`)} ${s('chi', `(select ${ld('o', 8)} ${i64c(0)} ${g('acc')})`)}
      ${addInto('lo', 'hi', 'alo', 'ahi', 'clo', 'chi')} ${st('o', 'lo', 'hi')}`)})

  (func (export "sum") (param $a i32) (param $n i32) ${L64} ${L32}
    ${loop(['a'], 16, `${load('a', 'lo', 'hi')} ${addInto('accl', 'acch', 'accl', 'acch', 'lo', 'hi')}`)}
    (i64.store (i32.const 0) ${g('accl')}) (i64.store (i32.const 8) ${g('acch')}))

  ;; Montgomery batch inversion of a[0..n) into o (t is scratch for prefix products; o may equal a).
  ;; Returns 1, or 0 when some element is zero (then o is garbage).
  (func (export "inv") (param $a i32) (param $o i32) (param $t i32) (param $n i32) (result i32) ${L64} ${L32}
    (local $pa i32) (local $pt i32) (local $po i32) (local $il i64) (local $ih i64)
    ${s('pa', g('a'))} ${s('pt', g('t'))} ${s('po', g('o'))}
    ${s('accl', i64c(1))}
    ${loop(['a', 't'], 16, `${st('t', 'accl', 'acch')} ${load('a', 'lo', 'hi')}
      (call $mulm ${g('accl')} ${g('acch')} ${g('lo')} ${g('hi')}) (local.set $acch) (local.set $accl)`)}
    (if (i64.eqz (i64.or ${g('accl')} ${g('acch')})) (then (return (i32.const 0))))
    (call $pow ${g('accl')} ${g('acch')} ${k((1n << 64n) - 3n)} ${M63}) (local.set $ih) (local.set $il)
    ${s('i', g('n'))}
    (block $done (loop $next
      (br_if $done (i32.eqz ${g('i')}))
      ${s('i', `(i32.sub ${g('i')} (i32.const 1))`)}
      ${s('q', `(i32.shl ${g('i')} (i32.const 4))`)}
      ${s('end', `(i32.add ${g('pt')} ${g('q')})`)}
      (call $mulm ${g('il')} ${g('ih')} ${ld('end')} ${ld('end', 8)}) (local.set $hi) (local.set $lo)
      ${s('end', `(i32.add ${g('pa')} ${g('q')})`)}
      (call $mulm ${g('il')} ${g('ih')} ${ld('end')} ${ld('end', 8)}) (local.set $ih) (local.set $il)
      ${s('end', `(i32.add ${g('po')} ${g('q')})`)}
      ${st('end', 'lo', 'hi')}
      (br $next)))
    (i32.const 1))

  ;; Rejection sampling: mask each random 16-byte element to 127 bits, keep it when < p (i.e. not all
  ;; ones) and write the kept ones compactly to o (o ≤ a is fine). Returns how many were kept.
  (func (export "sample") (param $a i32) (param $o i32) (param $n i32) (result i32) ${L64} ${L32}
    (local $o0 i32) ${s('o0', g('o'))}
    ${loop(['a'], 16, `${s('lo', ld('a'))} ${s('hi', `(i64.and ${ld('a', 8)} ${M63})`)} ${st('o', 'lo', 'hi')}
      ${s('o', `(i32.add ${g('o')} (i32.shl (i32.eqz (i32.and (i64.eq ${g('lo')} ${ALL}) (i64.eq ${g('hi')} ${M63}))) (i32.const 4)))`)}`)}
    (i32.shr_u (i32.sub ${g('o')} ${g('o0')}) (i32.const 4)))

  ;; o[i] := a[i]^(2^k): k squarings per element kept in registers (square roots in p ≡ 3 mod 4 are
  ;; x^((p+1)/4) = x^(2^125)); every squaring ends canonical, so its limbs unpack as in mul.
  (func (export "sqrPow2k") (param $a i32) (param $o i32) (param $n i32) (param $k i32) ${L64} ${L32}
    (local $cnt i32)
    ${loop(['a', 'o'], 16, `${load('a', 'lo', 'hi')} ${s('cnt', g('k'))}
      (block $sdone (loop $snext
        (br_if $sdone (i32.eqz ${g('cnt')}))
        ${unpack('a', 'lo', 'hi')} ${squareColumns()} ${reduceColumns('lo', 'hi')}
        ${s('cnt', `(i32.sub ${g('cnt')} (i32.const 1))`)}
        (br $snext)))
      ${st('o', 'lo', 'hi')}`)})

  ;; Fused rejection sampling and accumulation: for each random 16-byte element of a, masked to 127
  ;; bits and kept when < p (exactly as "sample"), o[kept++] += c·x. Returns how many were kept.
  (func (export "sampleAxpy") (param $yl i64) (param $yh i64) (param $a i32) (param $o i32) (param $n i32) (result i32) ${L64} ${L32}
    (local $o0 i32) ${s('o0', g('o'))}
    ${unpack('b', 'yl', 'yh')} ${eights()}
    ${loop(['a'], 16, `${s('alo', ld('a'))} ${s('ahi', `(i64.and ${ld('a', 8)} ${M63})`)}
      (if (i32.eqz (i32.and (i64.eq ${g('alo')} ${ALL}) (i64.eq ${g('ahi')} ${M63}))) (then
        ${unpack('a', 'alo', 'ahi')}
        ${mulLimbs('alo', 'ahi')} ${load('o', 'clo', 'chi')}
        ${addInto('lo', 'hi', 'alo', 'ahi', 'clo', 'chi')} ${st('o', 'lo', 'hi')}
        ${s('o', `(i32.add ${g('o')} (i32.const 16))`)}))`)}
    (i32.shr_u (i32.sub ${g('o')} ${g('o0')}) (i32.const 4)))

  ;; Index of the first element ≥ p, or −1.
  (func (export "firstInvalid") (param $a i32) (param $n i32) (result i32) ${L64} ${L32}
    ${loop(['a'], 16, `${load('a', 'lo', 'hi')}
      (if (i32.or (i64.gt_u ${g('hi')} ${M63}) (i32.and (i64.eq ${g('hi')} ${M63}) (i64.eq ${g('lo')} ${ALL})))
        (then (return (i32.sub ${g('n')} (i32.shr_u (i32.sub ${g('end')} ${g('a')}) (i32.const 4))))))`)}
    (i32.const -1))
)`
}
