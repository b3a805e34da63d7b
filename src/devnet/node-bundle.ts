/**
 * How a devnet starts its node processes. From an installed package: `enigma devnet _node` (bin/
 * enigma.mjs). From a source checkout: node-entry.ts bundled by esbuild (a dev dependency) into
 * `.enigma/cache/devnet-node-<hash>.mjs` and run by plain Node. Why: through the CLI a node process
 * loads every command under tsx's module hooks before it starts, ~6 CPU-seconds per node (measured
 * 6.4 s vs 2.1 s for the bundle, load ≈ 50); a 5-node devnet on 2 cores spent ~10 s of its start-up
 * there. The bundle is the same sources (no `import.meta.url` in the node's import graph: the only one
 * is the bundle's own, for the `require` of Node's built-ins inside CommonJS packages).
 *
 * The packages are bundled too (libp2p, viem, …: ~1 300 files): Node's ESM loader resolving and
 * compiling them one by one cost a node 1.5 CPU-s before its first line of code, one file costs
 * 0.45 CPU-s (measured: a node process that stops at its missing config, 3 runs each, load 13–16).
 * Left outside (BUNDLE_EXTERNAL): packages that load files next to their own sources at run time.
 *
 * Cache, keyed by content: the bundle's name is the hash of its text, and a manifest records the hash
 * of every input file of the last build (`devnet-node.inputs.json`), so a test file that starts a
 * devnet reuses the bundle without running esbuild (reading and hashing the inputs costs ~0.1 s, a
 * build ~1–2 CPU-s) and any change of a source or a package gives a new build.
 * `ENIGMA_DEVNET_NODE_BUNDLE=0` starts nodes through the CLI as before. Bundles unused for a week are removed.
 */
import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, readFile, readdir, rename, rm, stat, utimes, writeFile } from 'node:fs/promises'
import { isAbsolute, join } from 'node:path'
import { repoRoot } from '../chain/compile.ts'

/**
 * Not bundled: classic-level loads its native addon from its package folder; pino and thread-stream
 * start worker threads from files next to their own (`__dirname`).
 */
export const BUNDLE_EXTERNAL: readonly string[] = ['classic-level', 'pino', 'thread-stream']

let bundled: Promise<string | undefined> | undefined

/** Command line (program and leading arguments) of a devnet node; its own arguments follow. */
export async function devnetNodeCommand(): Promise<readonly string[]> {
  bundled ??= bundleNodeEntry().catch(() => undefined)
  const file = await bundled
  return file
    ? [process.execPath, '--import', join(repoRoot, 'src/common/polyfill.mjs'), file]
    : [process.execPath, join(repoRoot, 'bin/enigma.mjs'), 'devnet', '_node']
}

async function bundleNodeEntry(): Promise<string | undefined> {
  const entry = join(repoRoot, 'src/devnet/node-entry.ts')
  if (process.env.ENIGMA_DEVNET_NODE_BUNDLE === '0' || !existsSync(entry)) return undefined
  return (await bundleEntry({ entry, cacheDir: join(repoRoot, '.enigma', 'cache'), name: 'devnet-node', external: BUNDLE_EXTERNAL })).file
}

export interface BundleEntryOptions {
  /** The TypeScript entry file (absolute). */
  readonly entry: string
  /** Where bundles and the manifest live. */
  readonly cacheDir: string
  /** File name prefix: `<name>-<hash>.mjs`, manifest `<name>.inputs.json`. */
  readonly name: string
  /** Packages left to Node's loader. */
  readonly external: readonly string[]
}

export interface BundleEntryResult {
  readonly file: string
  /** False when the manifest said every input is unchanged and the bundle was reused. */
  readonly built: boolean
}

interface Manifest {
  readonly key: string
  readonly bundle: string
  readonly inputs: readonly string[]
}

/** Bundles `entry` with its packages (ESM, Node 20), or reuses the bundle of identical inputs. */
export async function bundleEntry(o: BundleEntryOptions): Promise<BundleEntryResult> {
  const settings = JSON.stringify({ entry: o.entry, external: o.external, format: 'esm', target: 'node20', conditions: ['enigma-source'] })
  const manifestPath = join(o.cacheDir, `${o.name}.inputs.json`)
  const manifest = await readJson<Manifest>(manifestPath)
  if (manifest && existsSync(join(o.cacheDir, manifest.bundle)) && (await inputsKey(settings, manifest.inputs)) === manifest.key) {
    const file = join(o.cacheDir, manifest.bundle)
    const now = new Date()
    await utimes(file, now, now).catch(() => {})
    return { file, built: false }
  }
  const { build } = await import('esbuild')
  const out = await build({
    entryPoints: [o.entry], bundle: true, platform: 'node', format: 'esm', target: 'node20', external: [...o.external],
    conditions: ['enigma-source'], write: false, logLevel: 'silent', metafile: true, absWorkingDir: repoRoot,
    // CommonJS packages inside an ES module bundle call `require` for Node's built-ins.
    banner: { js: "import { createRequire as __enigmaCreateRequire } from 'node:module'; const require = __enigmaCreateRequire(import.meta.url);" },
  })
  const text = out.outputFiles[0]!.contents
  const name = `${o.name}-${createHash('sha256').update(text).digest('hex').slice(0, 16)}.mjs`
  const file = join(o.cacheDir, name)
  await mkdir(o.cacheDir, { recursive: true })
  // Written aside and renamed: another test file may be reading the same bundle or manifest right now.
  if (!existsSync(file)) await writeAtomically(file, text)
  const inputs = Object.keys(out.metafile!.inputs).map((p) => (isAbsolute(p) ? p : join(repoRoot, p))).sort()
  const key = await inputsKey(settings, inputs)
  if (key !== undefined) await writeAtomically(manifestPath, JSON.stringify({ key, bundle: name, inputs } satisfies Manifest))
  await pruneOldBundles(o.cacheDir, o.name, file).catch(() => {})
  return { file, built: true }
}

/** Hash of the build settings and every input's path and bytes; undefined when an input is gone. */
async function inputsKey(settings: string, inputs: readonly string[]): Promise<string | undefined> {
  const h = createHash('sha256').update(settings)
  const contents = await Promise.all(inputs.map((p) => readFile(p).catch(() => undefined)))
  for (const [i, c] of contents.entries()) {
    if (c === undefined) return undefined
    h.update(`\0${inputs[i]}\0${c.length}\0`).update(c)
  }
  return h.digest('hex')
}

async function writeAtomically(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`
  await writeFile(tmp, data)
  await rename(tmp, path)
}

async function readJson<T>(path: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T
  } catch {
    return undefined
  }
}

/** Bundles of earlier sources, unused for a week (every use touches the file), are removed. */
async function pruneOldBundles(dir: string, prefix: string, keep: string): Promise<void> {
  const weekAgo = Date.now() - 7 * 24 * 3600_000
  const pattern = new RegExp(`^${prefix}-[0-9a-f]{16}\\.mjs$`)
  for (const name of await readdir(dir)) {
    const path = join(dir, name)
    if (path === keep || !pattern.test(name)) continue
    const mtimeMs = (await stat(path).catch(() => undefined))?.mtimeMs
    if (mtimeMs !== undefined && mtimeMs < weekAgo) await rm(path, { force: true })
  }
}
