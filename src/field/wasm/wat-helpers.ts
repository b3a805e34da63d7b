/**
 * Tiny helpers for writing WAT from TypeScript. The kernels are generated text rather than `.wat`
 * files because every loop inlines the same modular-multiplication sequence (V8 does not inline
 * wasm calls reliably), and because a `.ts` source needs no file reading: the build script and the
 * drift test stay free of I/O imports, as the field layer must be (src/common/layers.ts).
 */

/** `(local.get $x)` for each name. */
export const g = (name: string): string => `(local.get $${name})`

/** `(local.set $x expr)`. */
export const s = (name: string, expr: string): string => `(local.set $${name} ${expr})`

/** i64 constant from a bigint (WAT accepts unsigned hex for i64). */
export const k = (v: bigint | number): string => `(i64.const 0x${BigInt(v).toString(16)})`

/** Local declarations of one type. */
export const locals = (type: 'i32' | 'i64', names: readonly string[]): string =>
  names.map((n) => `(local $${n} ${type})`).join(' ')

/**
 * A pointer loop over `n` elements: `ptrs` advance by `stride` bytes per element (or by their own
 * stride, given as [name, stride]); the first one bounds the loop. Needs locals `$n` (i32 param)
 * and `$end` (i32).
 */
export function loop(ptrs: readonly (string | readonly [string, number])[], stride: number, body: string): string {
  const ps = ptrs.map((p) => (typeof p === 'string' ? ([p, stride] as const) : p))
  const [first, firstStride] = ps[0]!
  return `
    ${s('end', `(i32.add ${g(first)} (i32.mul ${g('n')} (i32.const ${firstStride})))`)}
    (block $done (loop $next
      (br_if $done (i32.ge_u ${g(first)} ${g('end')}))
      ${body}
      ${ps.map(([p, st]) => s(p, `(i32.add ${g(p)} (i32.const ${st}))`)).join('\n      ')}
      (br $next)))`
}
