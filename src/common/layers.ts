/**
 * The layer order of DESIGN.md §5. A file in a layer may import only from its own layer and the
 * layers below it; `layers.test.ts` enforces this on every file. `common` (errors, secrets,
 * polyfill) sits below everything.
 */
export const LAYER_RANKS: Readonly<Record<string, number>> = {
  common: 0,
  field: 1,
  sharing: 2,
  protocols: 3,
  circuit: 4,
  lang: 5,
  engine: 6,
  // enigma-ts/testing: the local runner for projects' tests (lang + engine), below everything with I/O of its own.
  testing: 6.5,
  node: 7,
  chain: 8,
  sdk: 9,
  devnet: 10,
  // The CLI wires everything, the devnet included (`enigma devnet ...`), so it sits one above.
  cli: 11,
  dashboard: 10,
}

/** Layers that must stay free of I/O (no networking, no disk, no processes): pure computation. */
export const PURE_LAYERS: readonly string[] = ['field', 'sharing', 'protocols', 'circuit', 'lang']

/** Modules a pure layer may not import. */
export const IO_MODULES: readonly string[] = [
  'node:net', 'node:http', 'node:https', 'node:dgram', 'node:child_process', 'node:fs', 'node:fs/promises',
  'net', 'http', 'https', 'child_process', 'fs', 'libp2p', 'classic-level', 'viem', 'hardhat',
]
