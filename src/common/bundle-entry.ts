/**
 * One JavaScript file for a program that tests start many times as a child process (a devnet node, a
 * cluster node): esbuild (a dev dependency) bundles a TypeScript entry with its packages into
 * `<cacheDir>/<name>-<hash>.mjs`, run by plain Node. Why: Node's ESM loader resolving and compiling
 * ~1 400 files one by one — under tsx's hooks for the sources — cost a node process 1.5 CPU-s (packages
 * only) to 5–6 CPU-s (tsx) before its first line of code; one file costs 0.45 CPU-s (measured on a
 * devnet node that stops at its missing config, 3 runs each, load 13–16).
 *
 * Cache, keyed by content: the bundle's name is the hash of its text, and a manifest records the hash
 * of every input file of the last build (`<name>.inputs.json`), so the next process reuses the bundle
 * without running esbuild (reading and hashing the inputs ≈ 0.1 s, a build ≈ 1–2 CPU-s), and any change
 * of a source or a package gives a new build. Bundles unused for a week are removed.
 */
import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, readFile, readdir, rename, rm, stat, utimes, writeFile } from 'node:fs/promises'
import { isAbsolute, join } from 'node:path'

/**
 * Packages of this repository's process entries that load files next to their own sources at run time,
 * so they stay outside a bundle: classic-level its native addon, pino and thread-stream the workers
 * they start from `__dirname`, tiny-secp256k1 its `secp256k1.wasm` (readFileSync beside `import.meta.url`).
 */
export const FILE_LOADING_PACKAGES: readonly string[] = ['classic-level', 'pino', 'thread-stream', 'tiny-secp256k1']

export interface BundleEntryOptions {
  /** The TypeScript entry file (absolute). */
  readonly entry: string
  /** Folder that relative input paths of esbuild's metafile are relative to (the repository). */
  readonly root: string
  /** Where bundles and the manifest live. */
  readonly cacheDir: string
  /** File name prefix: `<name>-<hash>.mjs`, manifest `<name>.inputs.json`. */
  readonly name: string
  /**
   * Packages left to Node's loader: those that load files next to their own sources at run time
   * (a native addon, a worker started from `__dirname`).
   */
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

/** Bundles `entry` with its packages (ESM, Node 20, the `enigma-source` condition), or reuses the bundle of identical inputs. */
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
    conditions: ['enigma-source'], write: false, logLevel: 'silent', metafile: true, absWorkingDir: o.root,
    // CommonJS packages inside an ES module bundle call `require` for Node's built-ins.
    banner: { js: "import { createRequire as __enigmaCreateRequire } from 'node:module'; const require = __enigmaCreateRequire(import.meta.url);" },
  })
  const text = out.outputFiles[0]!.contents
  const name = `${o.name}-${createHash('sha256').update(text).digest('hex').slice(0, 16)}.mjs`
  const file = join(o.cacheDir, name)
  await mkdir(o.cacheDir, { recursive: true })
  // Written aside and renamed: another test file may be reading the same bundle or manifest right now.
  if (!existsSync(file)) await writeAtomically(file, text)
  const inputs = Object.keys(out.metafile!.inputs).map((p) => (isAbsolute(p) ? p : join(o.root, p))).sort()
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
