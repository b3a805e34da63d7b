/**
 * Compiles the controller's Solidity sources with the pinned npm `solc` (wasm, offline: no compiler
 * download, STACK-NOTES "Chain") into TypeScript modules holding the ABI `as const` and the bytecode.
 * `scripts/build-contracts.ts` writes them to src/chain/generated/ (committed, so a clean clone needs
 * no build); `compile.test.ts` recompiles and fails if the committed files are stale. The example dApps
 * (examples/dapps/*.sol → examples/dapps/generated/) are compiled in the same run, importing the
 * package's contracts the way a user's contract does: `import "enigma-ts/contracts/EnigmaConsumer.sol"`.
 */
import { createHash } from 'node:crypto'
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs'
import { join, resolve, dirname, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createRequire } from 'node:module'
import { EnigmaError } from '../common/errors.ts'

/** Must match the hardfork of the local chain (hardhat.config.cjs) and of any chain we deploy to. */
export const EVM_VERSION = 'cancun'
export const SOLC_VERSION = '0.8.37'
export const OPTIMIZER_RUNS = 200

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
export const contractsDir = join(repoRoot, 'contracts')
export const generatedDir = join(repoRoot, 'src/chain/generated')
/** Test-only contracts (attacker wrappers, an ETH-refusing receiver): contracts/test → src/chain/testing/generated. */
export const testContractsDir = join(contractsDir, 'test')
export const testGeneratedDir = join(repoRoot, 'src/chain/testing/generated')
/** Example dApps on Enigma (docs/dapps.md): examples/dapps → examples/dapps/generated. */
export const dappsDir = join(repoRoot, 'examples/dapps')
export const dappsGeneratedDir = join(dappsDir, 'generated')
/** A dApp's import of the package's contracts names the same source unit as contracts/ itself. */
const PACKAGE_CONTRACTS = 'enigma-ts/contracts/'

/** Source folders of one compile run: folder, its source-unit prefix, where its artifacts go, their origin in headers. */
const SOURCE_DIRS = [
  { dir: contractsDir, prefix: '', out: generatedDir, origin: 'contracts/' },
  { dir: testContractsDir, prefix: 'test/', out: testGeneratedDir, origin: 'contracts/test/' },
  { dir: dappsDir, prefix: 'dapps/', out: dappsGeneratedDir, origin: 'examples/dapps/' },
] as const

export class SolidityCompileError extends EnigmaError {
  override name = 'SolidityCompileError'
  constructor(details: string) {
    super('CHAIN_COMPILE_FAILED', 'Solidity compilation failed', { details })
  }
}

interface SolcOutput {
  errors?: { severity: string; formattedMessage: string }[]
  contracts: Record<string, Record<string, { abi: unknown[]; evm: { bytecode: { object: string }; deployedBytecode: { object: string } } }>>
}

/**
 * Import callback of solc: `@openzeppelin/contracts/...` resolves to the pinned npm package in
 * node_modules (read from disk: offline, and the version is the lockfile's); sibling imports of
 * contracts/ resolve there. Anything else is refused.
 */
function findImport(path: string): { contents: string } | { error: string } {
  const require = createRequire(import.meta.url)
  try {
    if (path.startsWith('@openzeppelin/contracts/')) return { contents: readFileSync(require.resolve(path), 'utf8') }
    if (/^[\w./-]+\.sol$/.test(path) && !path.includes('..')) return { contents: readFileSync(join(contractsDir, path), 'utf8') }
  } catch (e) {
    return { error: `cannot read ${path}: ${(e as Error).message}` }
  }
  return { error: `import ${path} is not allowed (only @openzeppelin/contracts and contracts/)` }
}

/** Where compileContracts keeps the results of earlier runs (`cache`). */
export const SOLC_CACHE_DIR = join(repoRoot, '.enigma', 'cache')

export interface CompileCacheOptions {
  readonly dir: string
  /**
   * Return an earlier run's result when solc's whole input is byte-identical: the same compiler, the
   * same standard-JSON input (every source and setting) and the same bytes of every file its imports
   * read (OpenZeppelin). solc is deterministic (no metadata hash, below), so that result is what this
   * run would compute; the viaIR compile costs ≈ 70 CPU-s. False: compile, then store the result.
   */
  readonly reuse: boolean
}

interface CachedCompile {
  /** Import path → SHA-256 of the contents the import callback returned. */
  readonly imports: Record<string, string>
  /** Output paths relative to the repository → text. */
  readonly files: [string, string][]
  readonly runtimeSizes: [string, number][]
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex')

/**
 * Compiles contracts/*.sol, contracts/test/*.sol and examples/dapps/*.sol in one solc run; returns
 * output path (absolute: src/chain/generated/X.ts, src/chain/testing/generated/X.ts for test contracts,
 * examples/dapps/generated/X.ts for the example dApps) → file text.
 * `runtimeSizes`, if given, receives every compiled contract's deployed code size in bytes (EIP-170).
 */
export function compileContracts(runtimeSizes?: Map<string, number>, cache?: CompileCacheOptions): Map<string, string> {
  const require = createRequire(import.meta.url)
  const solc = require('solc') as { version(): string; compile(input: string, callbacks?: { import: typeof findImport }): string }
  if (!solc.version().startsWith(SOLC_VERSION + '+')) {
    throw new SolidityCompileError(`expected solc ${SOLC_VERSION}, found ${solc.version()}`)
  }
  const sources: Record<string, { content: string }> = {}
  for (const { dir, prefix } of SOURCE_DIRS) {
    for (const name of readdirSync(dir).filter((f) => f.endsWith('.sol')).sort()) {
      sources[prefix + name] = { content: readFileSync(join(dir, name), 'utf8') }
    }
  }
  const input = {
    language: 'Solidity',
    sources,
    settings: {
      evmVersion: EVM_VERSION,
      // `enigma-ts/contracts/X.sol` (the package export a dApp imports) is contracts/X.sol itself.
      remappings: [`${PACKAGE_CONTRACTS}=`],
      viaIR: true,
      optimizer: { enabled: true, runs: OPTIMIZER_RUNS },
      // No metadata hash: the bytecode then depends only on the sources, so the staleness test is exact.
      metadata: { bytecodeHash: 'none', appendCBOR: false },
      outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object', 'evm.deployedBytecode.object'] } },
    },
  }
  const inputText = JSON.stringify(input)
  const cacheFile = cache && join(cache.dir, `solc-${sha256(`${solc.version()}\0${inputText}`).slice(0, 24)}.json`)
  const hit = cache?.reuse ? readCachedCompile(cacheFile!) : undefined
  if (hit) {
    for (const [name, size] of hit.runtimeSizes) runtimeSizes?.set(name, size)
    return new Map(hit.files.map(([path, text]) => [join(repoRoot, path), text]))
  }
  const imports: Record<string, string> = {}
  const recordImport = (path: string) => {
    const r = findImport(path)
    if ('contents' in r) imports[path] = sha256(r.contents)
    return r
  }
  const output = JSON.parse(solc.compile(inputText, { import: recordImport })) as SolcOutput
  const errors = (output.errors ?? []).filter((e) => e.severity === 'error')
  if (errors.length > 0) throw new SolidityCompileError(errors.map((e) => e.formattedMessage).join('\n'))

  const files = new Map<string, string>()
  const sizes = new Map<string, number>()
  for (const [source, contracts] of Object.entries(output.contracts)) {
    // Only the contracts of the compiled folder: imported OpenZeppelin code is built into them.
    if (!Object.hasOwn(sources, source)) continue
    const from = SOURCE_DIRS.filter((d) => source.startsWith(d.prefix)).at(-1)!
    for (const [name, { abi, evm }] of Object.entries(contracts)) {
      sizes.set(`${source}:${name}`, evm.deployedBytecode.object.length / 2)
      // Internal-only libraries (empty ABI), interfaces and abstract contracts are not deployable artifacts.
      if (evm.bytecode.object.length === 0 || abi.length === 0) continue
      const lower = name[0]!.toLowerCase() + name.slice(1)
      const text = [
        `// Generated by \`npm run build:contracts\` from ${from.origin}${source.slice(from.prefix.length)} with solc ${solc.version()},`,
        `// evmVersion ${EVM_VERSION}, viaIR, optimizer runs ${OPTIMIZER_RUNS}. Do not edit by hand.`,
        `export const ${lower}Abi = ${JSON.stringify(abi, null, 2)} as const`,
        '',
        `export const ${lower}Bytecode = '0x${evm.bytecode.object}' as const`,
        '',
      ].join('\n')
      files.set(join(from.out, `${name}.ts`), text)
    }
  }
  for (const [name, size] of sizes) runtimeSizes?.set(name, size)
  if (cacheFile) {
    writeCachedCompile(cacheFile, { imports, files: [...files].map(([path, text]) => [relative(repoRoot, path), text]), runtimeSizes: [...sizes] })
  }
  return files
}

/** An earlier result whose every import still reads the same bytes; otherwise undefined (compile again). */
function readCachedCompile(file: string): CachedCompile | undefined {
  let cached: CachedCompile
  try {
    cached = JSON.parse(readFileSync(file, 'utf8')) as CachedCompile
  } catch {
    return undefined
  }
  for (const [path, hash] of Object.entries(cached.imports)) {
    const r = findImport(path)
    if (!('contents' in r) || sha256(r.contents) !== hash) return undefined
  }
  const now = new Date()
  try { utimesSync(file, now, now) } catch { /* only the pruning of unused results looks at it */ }
  return cached
}

function writeCachedCompile(file: string, entry: CachedCompile): void {
  try {
    mkdirSync(dirname(file), { recursive: true })
    // Written aside and renamed: another process may be reading it.
    const tmp = `${file}.${process.pid}.tmp`
    writeFileSync(tmp, JSON.stringify(entry))
    renameSync(tmp, file)
    // Results of earlier sources, unused for a week (every use touches its file), are removed.
    const weekAgo = Date.now() - 7 * 24 * 3600_000
    for (const name of readdirSync(dirname(file))) {
      const other = join(dirname(file), name)
      if (other !== file && /^solc-[0-9a-f]{24}\.json$/.test(name) && statSync(other).mtimeMs < weekAgo) rmSync(other, { force: true })
    }
  } catch { /* a cache that cannot be written only costs the next run a compile */ }
}
