/**
 * The files `enigma init` writes: a project in the style of `hardhat init` with one secret contract,
 * its plaintext reference, an inputs file, a node:test test that checks the contract (run by the
 * local runner, enigma-ts/testing) against the reference, and a README with the next commands.
 */
export interface ScaffoldFile {
  readonly path: string
  readonly text: string
}

const CONTRACT = `/**
 * Team salaries: the total and the highest salary of a team, without anyone seeing a single salary.
 * Each salary is secret-shared among the committee; only the two results are revealed.
 */
import { array, defineContract, max, reveal, sum, uint32 } from 'enigma-ts'

export default defineContract({
  name: 'team-salaries',
  params: { members: { min: 2, max: 100 } },
  inputs: ({ members }) => ({ salaries: array(uint32, members) }),
  compute: ({ salaries }) => ({
    total: reveal(sum(salaries)),
    highest: reveal(max(salaries)),
  }),
})

/** Plaintext reference: what the contract must compute (the test checks it on random inputs). */
export function reference({ salaries }: { salaries: number[] }) {
  return { total: salaries.reduce((a, b) => a + b, 0), highest: Math.max(...salaries) }
}
`

const INPUTS = `{ "salaries": [52000, 61000, 48500, 75000] }
`

const TEST = `import { test } from 'node:test'
import assert from 'node:assert/strict'
import { runContract, runContractPlain } from 'enigma-ts/testing'
import teamSalaries, { reference } from '../contracts/team-salaries.ts'

const randomSalaries = (n: number) => Array.from({ length: n }, () => Math.floor(Math.random() * 2 ** 32))

test('the compiled contract equals its plaintext reference', () => {
  for (const members of [2, 3, 10]) {
    const salaries = randomSalaries(members)
    assert.deepEqual(runContractPlain(teamSalaries, { params: { members }, inputs: { salaries } }), reference({ salaries }))
  }
})

test('3 parties compute it on secret shares (in this process) and agree with the reference', async () => {
  const salaries = randomSalaries(4)
  const r = await runContract(teamSalaries, { params: { members: 4 }, inputs: { salaries }, nodes: 3 })
  assert.deepEqual(r.outputs, reference({ salaries }))
})
`

function readme(name: string): string {
  return `# ${name}

A secret contract project made with \`enigma init\` ([enigma-ts](https://www.npmjs.com/package/enigma-ts)).

- \`contracts/team-salaries.ts\`: the secret contract and its plaintext reference
- \`inputs/team-salaries.json\`: inputs for \`enigma run\` and \`enigma submit\`
- \`test/team-salaries.test.ts\`: checks the contract against the reference with the local runner

\`\`\`sh
npm install
npm test                                                   # node:test, the contract vs its reference
npx enigma compile contracts/team-salaries.ts --param members=4          # cost: gates, rounds, bytes
npx enigma run contracts/team-salaries.ts --param members=4 --inputs inputs/team-salaries.json
npx enigma devnet up --detach                              # local chain + controller + 5 secret nodes
npx enigma submit contracts/team-salaries.ts --param members=4 --inputs inputs/team-salaries.json
npx enigma devnet down
\`\`\`

\`devnet up\` needs the \`hardhat\` dev dependency (already in package.json). A dApp calls the same
network through \`enigma-ts/sdk\` (createTask, submitInput, waitForResult), in Node or in a browser.
`
}

const TSCONFIG = `{
  "compilerOptions": {
    "target": "ES2022",
    "module": "NodeNext",
    "moduleResolution": "NodeNext",
    "lib": ["ES2022", "DOM"],
    "types": ["node"],
    "strict": true,
    "allowImportingTsExtensions": true,
    "noEmit": true,
    "skipLibCheck": true,
    "verbatimModuleSyntax": true
  },
  "include": ["contracts", "test"]
}
`

const GITIGNORE = `node_modules/
.enigma/
`

/** The scaffold's package.json fields; `enigma init` merges them into an existing package.json. */
export function scaffoldPackageJson(name: string, enigmaVersion: string, typescriptVersion: string, hardhatVersion: string) {
  return {
    name,
    version: '0.1.0',
    private: true,
    type: 'module',
    scripts: {
      test: 'node --import enigma-ts/register --test test/team-salaries.test.ts',
      compile: 'enigma compile contracts/team-salaries.ts --param members=4',
      'run-local': 'enigma run contracts/team-salaries.ts --param members=4 --inputs inputs/team-salaries.json',
    },
    dependencies: { 'enigma-ts': `^${enigmaVersion}` },
    devDependencies: { '@types/node': '^20.10.0', hardhat: hardhatVersion, typescript: typescriptVersion },
  }
}

export function scaffoldFiles(name: string): ScaffoldFile[] {
  return [
    { path: 'contracts/team-salaries.ts', text: CONTRACT },
    { path: 'inputs/team-salaries.json', text: INPUTS },
    { path: 'test/team-salaries.test.ts', text: TEST },
    { path: 'README.md', text: readme(name) },
    { path: 'tsconfig.json', text: TSCONFIG },
    { path: '.gitignore', text: GITIGNORE },
  ]
}
