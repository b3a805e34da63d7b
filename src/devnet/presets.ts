/**
 * What `enigma devnet demo --contract <example>` runs: default params, made-up inputs, and who owns
 * which slot (one account per participant: each bidder, voter or employee fills only its own slot).
 */
import { randomInt } from 'node:crypto'

export interface DemoPreset {
  readonly params: Record<string, number>
  /** Inputs as in inputs.json. */
  inputs(params: Record<string, number>): Record<string, unknown>
  /** Inputs whose elements each have their own owner ("bids" → bids[0], bids[1], …). */
  readonly perElement: readonly string[]
  /** Slot → participant label ("bids[3]" → "bidder 3"); slots with one label share an owner. */
  label(slot: string): string
}

const idx = (slot: string) => /\[([0-9]+)\]$/.exec(slot)?.[1] ?? ''

export const PRESETS: Readonly<Record<string, DemoPreset>> = {
  'vickrey-auction': {
    params: { bidders: 5 },
    inputs: ({ bidders }) => ({ bids: Array.from({ length: bidders! }, () => randomInt(1_000, 1_000_000)) }),
    perElement: ['bids'],
    label: (s) => `bidder ${idx(s)}`,
  },
  millionaires: {
    params: {},
    inputs: () => ({ alice: randomInt(1, 10_000_000), bob: randomInt(1, 10_000_000) }),
    perElement: [],
    label: (s) => s,
  },
  voting: {
    params: { voters: 5, candidates: 3 },
    inputs: ({ voters, candidates }) => ({ votes: Array.from({ length: voters! }, () => randomInt(0, candidates!)) }),
    perElement: ['votes'],
    label: (s) => `voter ${idx(s)}`,
  },
  'salary-stats': {
    params: { employees: 5 },
    inputs: ({ employees }) => ({ salaries: Array.from({ length: employees! }, () => randomInt(30_000, 200_000)) }),
    perElement: ['salaries'],
    label: (s) => `employee ${idx(s)}`,
  },
  'psi-cardinality': {
    params: { sizeA: 4, sizeB: 4 },
    inputs: () => ({ setA: [3, 17, 42, 99], setB: [5, 17, 99, 1000] }),
    perElement: [],
    label: (s) => (s === 'setA' ? 'company A' : 'company B'),
  },
  'credit-score': {
    params: { features: 3 },
    inputs: () => ({ x: [1.5, -0.5, 2], w: [0.8, 1.2, -0.3], bias: 0.25 }),
    perElement: [],
    label: (s) => (s === 'x' ? 'applicant' : 'lender'),
  },
}

/** Slot names for a circuit's inputs under a preset. */
export function slotsFor(inputs: readonly { name: string; type: { kind: string; length?: number } }[], perElement: readonly string[]): string[] {
  return inputs.flatMap((i) => perElement.includes(i.name) && i.type.kind === 'array'
    ? Array.from({ length: i.type.length! }, (_, k) => `${i.name}[${k}]`)
    : [i.name])
}
