/**
 * enigma-ts as a new user gets it (issue #13 §1): `npm pack`, install the tarball into an empty folder
 * (offline: every dependency from the npm cache that `npm ci` filled), `enigma init`, the scaffold's
 * `npm test`, `enigma compile`, `enigma run`, plain Node (no tsx) importing every entry point, and a
 * TypeScript type check of a file that imports every public export. Slow (pack builds dist/ with tsc).
 * Steps that do not depend on each other run at once (the test runner keeps the other core idle).
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync, spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { offlineLock } from './testing/offline-lock.ts'

const root = fileURLToPath(new URL('../..', import.meta.url))
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
const SUBPATHS = ['enigma-ts', 'enigma-ts/lang', 'enigma-ts/sdk', 'enigma-ts/testing'] as const

// As a user's shell would run it: not as a child of this test runner (NODE_TEST_CONTEXT would make a
// nested `node --test` report to us instead of printing), no inherited Node options.
const userEnv: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: '', npm_config_update_notifier: 'false' }
delete userEnv.NODE_TEST_CONTEXT

const t0 = Date.now()
/** `ENIGMA_TEST_TIMING=1`: each step's time on stderr. */
function mark(step: string): void {
  if (process.env.ENIGMA_TEST_TIMING === '1') console.error(`${((Date.now() - t0) / 1000).toFixed(1)} s ${step}`)
}

/** Runs a command as the user would; resolves with its stdout once it exited 0. */
function sh(cmd: string, args: string[], cwd: string, timeout = 600_000): Promise<string> {
  const what = `${cmd} ${args.join(' ').slice(0, 60)}`
  mark(what)
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, timeout, env: userEnv, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = '', stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d })
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d })
    child.on('error', reject)
    child.on('close', (status, signal) => {
      mark(`done: ${what}`)
      try {
        assert.equal(status, 0, `${cmd} ${args.join(' ')} in ${cwd} failed (${status}${signal ? ` ${signal}` : ''}):\n${stdout}\n${stderr}`)
        resolve(stdout)
      } catch (e) {
        reject(e)
      }
    })
  })
}

test('pack, install offline into an empty folder, init, npm test, compile, run, type check', { timeout: 900_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'enigma-pack-'))
  const hadDist = existsSync(join(root, 'dist'))
  try {
    // 1. npm pack (prepack compiles dist/ with tsc; postpack removes it again).
    await sh(npm, ['pack', '--silent', '--pack-destination', dir], root)
    const tgz = readdirSync(dir).find((f) => /^enigma-ts-.*\.tgz$/.test(f))
    assert.ok(tgz, 'npm pack wrote a tarball')
    const listing = execFileSync('tar', ['-tzf', join(dir, tgz)], { encoding: 'utf8' }).split('\n')
    assert.ok(listing.includes('package/dist/lang/index.js') && listing.includes('package/dist/lang/index.d.ts'), 'compiled JS + declarations')
    assert.ok(listing.includes('package/contracts/EnigmaController.sol'), 'Solidity sources shipped')
    assert.ok(!listing.some((f) => f.startsWith('package/src/')), 'no TypeScript sources in the package')
    // Only the scaffold's own test (a template) ships; none of the repository's.
    assert.deepEqual(listing.filter((f) => /\.test\.(ts|js)$/.test(f)), ['package/templates/init/test/team-salaries.test.ts'])

    // 2. An empty folder; install the tarball (and typescript, for the type check) from the cache only.
    const app = join(dir, 'app')
    execFileSync('mkdir', [app])
    execFileSync('cp', [join(dir, tgz), app])
    const { packageJson, lock } = offlineLock({
      repoLock: readFileSync(join(root, 'package-lock.json'), 'utf8'), tarball: join(app, tgz), tarballSpec: `file:${tgz}`,
      extra: ['typescript', '@types/node'], name: 'app',
    })
    writeFileSync(join(app, 'package.json'), JSON.stringify(packageJson, null, 2))
    writeFileSync(join(app, 'package-lock.json'), JSON.stringify(lock, null, 2))
    await sh(npm, ['install', '--offline', '--no-audit', '--no-fund', '--loglevel=error'], app)
    assert.ok(!existsSync(join(app, 'node_modules/hardhat')), 'an SDK user does not get hardhat')
    const enigma = join(app, 'node_modules/.bin/enigma')

    // 3. Plain Node, no tsx: every entry point loads, and a contract written in JavaScript runs.
    const [plain, version] = await Promise.all([sh(process.execPath, ['--input-type=module', '-e', `
      const lang = await import('enigma-ts'); const sdk = await import('enigma-ts/sdk'); const testing = await import('enigma-ts/testing')
      if ((await import('enigma-ts/lang')).defineContract !== lang.defineContract) throw new Error('enigma-ts and enigma-ts/lang differ')
      const c = lang.defineContract({ name: 'js', inputs: { a: lang.uint32, b: lang.uint32 }, compute: ({ a, b }) => ({ s: lang.reveal(a.add(b)) }) })
      const r = await testing.runContract(c, { inputs: { a: 40, b: 2 } })
      console.log(JSON.stringify({ s: r.outputs.s, sdk: typeof sdk.createEnigmaClient }))`], app), sh(enigma, ['--version'], app)])
    assert.deepEqual(JSON.parse(plain), { s: 42, sdk: 'function' })
    assert.match(version, /^enigma-ts \d+\.\d+\.\d+/)

    // 4. enigma init into the folder (keeps the installed dependency), then the scaffold's own test.
    const init = JSON.parse(await sh(enigma, ['init', '.', '--json'], app)) as { files: string[]; packageJson: string }
    assert.equal(init.packageJson, 'updated')
    const pkg = JSON.parse(readFileSync(join(app, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; type: string }
    assert.equal(pkg.dependencies['enigma-ts'], `file:${tgz}`)
    assert.equal(pkg.type, 'module')
    // The scaffold's test, 5. and 6. below use the scaffold and the installed package only: at once.
    const [scaffoldTest, cost, run] = await Promise.all([
      sh(npm, ['test'], app),
      // 5. compile and run the scaffold's contract with the installed CLI (compiled JS; tsx loads the .ts contract).
      sh(enigma, ['compile', 'contracts/team-salaries.ts', '--param', 'members=4', '--json'], app).then(JSON.parse),
      sh(enigma, ['run', 'contracts/team-salaries.ts', '--param', 'members=4', '--inputs', 'inputs/team-salaries.json', '--nodes', '3', '--json'], app).then(JSON.parse),
      typeCheckEveryExport(app),
    ])
    assert.match(scaffoldTest, /pass 2\b/)
    assert.equal(cost.contract, 'team-salaries')
    assert.match(cost.codeHash, /^0x[0-9a-f]{64}$/)
    assert.deepEqual(run.outputs, { total: 52000 + 61000 + 48500 + 75000, highest: 75000 })
    mark('done')
  } finally {
    rmSync(dir, { recursive: true, force: true })
    // postpack removes dist/; if pack was interrupted, do it here so nothing resolves to a stale build.
    if (!hadDist) rmSync(join(root, 'dist'), { recursive: true, force: true })
  }
})

/** 6. Type check a file that imports every public export (names listed from the installed modules). */
async function typeCheckEveryExport(app: string): Promise<void> {
  const names = JSON.parse(await sh(process.execPath, ['--input-type=module', '-e', `
    const out = {}; for (const s of ${JSON.stringify(SUBPATHS)}) out[s] = Object.keys(await import(s)).sort(); console.log(JSON.stringify(out))`], app)) as Record<string, string[]>
  for (const s of SUBPATHS) assert.ok(names[s]!.length >= 2, `${s} exports values`)
  assert.ok(names['enigma-ts']!.includes('defineContract') && names['enigma-ts/sdk']!.includes('submitInput') && names['enigma-ts/testing']!.includes('runContract'))
  const lines = SUBPATHS.map((s, i) => `import { ${names[s]!.map((n) => `${n} as e${i}_${n}`).join(', ')} } from '${s}'`)
  lines.push(
    'export const all = [' + SUBPATHS.flatMap((s, i) => names[s]!.map((n) => `e${i}_${n}`)).join(', ') + ']',
    // The declarations are real types, not `any`: misuse must not type-check.
    "// @ts-expect-error defineContract needs a definition object\ne0_defineContract(42)",
    "// @ts-expect-error createEnigmaClient needs a config\ne2_createEnigmaClient()",
    "// @ts-expect-error runContract needs inputs\nvoid e3_runContract(e0_defineContract({ name: 'x', inputs: {}, compute: () => ({}) }), {})",
    "import type { EnigmaClient, CreateTaskParameters } from 'enigma-ts/sdk'\nimport type { RunContractResult } from 'enigma-ts/testing'\nimport type { Contract } from 'enigma-ts'",
    'export type Used = [EnigmaClient, CreateTaskParameters, RunContractResult, Contract<any, any>]',
  )
  writeFileSync(join(app, 'test/exports-check.ts'), lines.join('\n') + '\n')
  await sh(process.execPath, [join(app, 'node_modules/typescript/bin/tsc'), '--noEmit', '-p', 'tsconfig.json'], app)
}
