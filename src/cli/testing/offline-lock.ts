/**
 * For the pack-and-install test: a package-lock.json for a fresh project that depends on the packed
 * enigma-ts tarball, with every transitive dependency pinned to the version the repository's own
 * lockfile pins. `npm install --offline` then needs no registry metadata (the CI's cache, filled by
 * `npm ci`, holds the tarballs but not the registry's package documents), exactly like `npm ci`.
 */
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'

interface LockEntry {
  version?: string
  dependencies?: Record<string, string>
  optionalDependencies?: Record<string, string>
  peerDependencies?: Record<string, string>
  peerDependenciesMeta?: Record<string, { optional?: boolean }>
  [k: string]: unknown
}

/** The lock path of `dep` as seen from the package at `from` (Node's lookup: nearest node_modules up). */
function locate(packages: Record<string, LockEntry>, from: string, dep: string): string | undefined {
  for (let base = from; ; ) {
    const p = `${base ? `${base}/` : ''}node_modules/${dep}`
    if (packages[p]) return p
    if (!base) return undefined
    const i = base.lastIndexOf('/node_modules/')
    base = i < 0 ? '' : base.slice(0, i)
  }
}

export interface OfflineLockOptions {
  /** The repository's package-lock.json (its text). */
  readonly repoLock: string
  /** The packed tarball (its path) and its file name as the project's dependency spec sees it. */
  readonly tarball: string
  readonly tarballSpec: string
  /** Further top-level packages the project depends on, pinned as in the repository (e.g. typescript). */
  readonly extra?: readonly string[]
  readonly name: string
}

export function offlineLock(o: OfflineLockOptions): { packageJson: Record<string, unknown>; lock: Record<string, unknown> } {
  const repo = (JSON.parse(o.repoLock) as { packages: Record<string, LockEntry> }).packages
  const tgz = readFileSync(o.tarball)
  const integrity = `sha512-${createHash('sha512').update(tgz).digest('base64')}`
  const own = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as LockEntry & { license: string; engines: Record<string, string> }
  const ownDeps = own.dependencies ?? {}
  const packages: Record<string, LockEntry> = {}
  const visit = (from: string, deps: Record<string, string>) => {
    for (const dep of Object.keys(deps)) {
      const at = locate(repo, from, dep)
      if (at === undefined) continue // an optional dependency this platform did not install
      if (packages[at]) continue
      const { dev: _d, devOptional: _o, peer: _p, ...entry } = repo[at]!
      // Without `resolved` npm asks the registry where the tarball is; with it, the cache answers.
      const name = at.slice(at.lastIndexOf('node_modules/') + 'node_modules/'.length)
      packages[at] = { ...entry, resolved: entry.resolved ?? `https://registry.npmjs.org/${name}/-/${name.split('/').pop()}-${entry.version}.tgz` }
      // Required peers are part of the tree too (npm installs them; e.g. isows needs ws).
      const peers = Object.fromEntries(Object.entries(entry.peerDependencies ?? {}).filter(([n]) => !entry.peerDependenciesMeta?.[n]?.optional))
      visit(at, { ...entry.dependencies, ...entry.optionalDependencies, ...peers })
    }
  }
  visit('', ownDeps)
  const extra: Record<string, string> = {}
  for (const name of o.extra ?? []) {
    const at = `node_modules/${name}`
    const entry = repo[at]
    if (!entry?.version) throw new Error(`${name} is not in the repository's lockfile`)
    extra[name] = entry.version
    visit('', { [name]: entry.version })
  }
  packages['node_modules/enigma-ts'] = {
    version: own.version as string, resolved: o.tarballSpec, integrity, license: own.license,
    dependencies: ownDeps, bin: { enigma: 'bin/enigma.mjs' }, engines: own.engines,
    peerDependencies: own.peerDependencies, peerDependenciesMeta: own.peerDependenciesMeta,
  }
  const dependencies = { 'enigma-ts': o.tarballSpec, ...extra }
  const packageJson = { name: o.name, version: '0.0.0', private: true, dependencies }
  return {
    packageJson,
    lock: { name: o.name, version: '0.0.0', lockfileVersion: 3, requires: true, packages: { '': { name: o.name, version: '0.0.0', dependencies }, ...packages } },
  }
}
