/** Field instances: `createField` picks a kernel, `getField` returns the shared default instance. */
import { check } from '../common/errors.ts'
import { FieldUnsupportedPlatformError } from './errors.ts'
import type { Field, FieldName } from './types.ts'
import type { VectorKernel } from './kernel.ts'
import { createFastField } from './fast-field.ts'
import { P61, P127 } from './reference.ts'
import { createWasmKernel, wasmAvailable } from './wasm/kernel.ts'
import { createJsP61Kernel } from './js/p61.ts'
import { createJsP127Kernel } from './js/p127.ts'

export interface CreateFieldOptions {
  /** 'wasm' (default when WebAssembly exists) or 'js' (the plain-JS fallback). */
  kernel?: 'wasm' | 'js'
}

const PRIMES: Record<FieldName, bigint> = { p61: P61, p127: P127 }

// Vectors' bytes are the canonical encoding and kernels read 32-bit halves as (lo, hi): both need a
// little-endian host, which every current JS platform is. Fail loudly rather than compute garbage.
const littleEndian = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1

export function createField(name: FieldName, options: CreateFieldOptions = {}): Field {
  check(name === 'p61' || name === 'p127', 'createField', `unknown field ${JSON.stringify(name)}; expected 'p61' or 'p127'`)
  const kind = options.kernel ?? (wasmAvailable() ? 'wasm' : 'js')
  check(kind === 'wasm' || kind === 'js', 'createField', `kernel must be 'wasm' or 'js', got ${JSON.stringify(kind)}`)
  if (!littleEndian) throw new FieldUnsupportedPlatformError('createField', 'the field layer needs a little-endian host')
  if (kind === 'wasm' && !wasmAvailable()) {
    throw new FieldUnsupportedPlatformError('createField', "kernel 'wasm' requested but WebAssembly is not available; use kernel 'js'")
  }
  const jsKernel = (): VectorKernel => (name === 'p61' ? createJsP61Kernel() : createJsP127Kernel())
  let kernel: VectorKernel
  if (kind === 'js') kernel = jsKernel()
  else if (options.kernel === 'wasm') kernel = createWasmKernel(name)
  else {
    // Default choice: compiling can still fail where WebAssembly exists, e.g. under a browser
    // Content-Security-Policy without 'wasm-unsafe-eval'; fall back to plain JS there.
    try {
      kernel = createWasmKernel(name)
    } catch {
      kernel = jsKernel()
    }
  }
  return createFastField(name, PRIMES[name], kernel)
}

const instances = new Map<FieldName, Field>()

/** The shared default instance of a field (WebAssembly kernel where available). */
export function getField(name: FieldName): Field {
  check(name === 'p61' || name === 'p127', 'getField', `unknown field ${JSON.stringify(name)}; expected 'p61' or 'p127'`)
  let f = instances.get(name)
  if (f === undefined) {
    f = createField(name)
    instances.set(name, f)
  }
  return f
}
