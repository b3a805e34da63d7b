/**
 * `enigma plan --nodes N --corrupt F [--committee n] [--target 1e-9] [--corrupt-nodes K] [--svg FILE] [--json]`:
 * the committee-security planner (issue #13 §3, src/chain/committee-planner.ts). Pure computation:
 * no chain needed. Flags by Node's util.parseArgs.
 */
import { parseArgs } from 'node:util'
import { writeFile } from 'node:fs/promises'
import type { Command } from '../main.ts'
import { CliUsageError } from './compile.ts'

export const PLAN_USAGE = `Usage: enigma plan --nodes N --corrupt F [--committee n] [--target 1e-9] [--corrupt-nodes K] [--seat-ratio 1] [--all] [--svg FILE] [--json]

For an active set of N nodes of which an adversary holds the stake fraction F, the exact probability
that a committee of n, drawn by the controller's rule (stake-weighted, without replacement), has more
than t = floor((n-1)/2) corrupt members, so privacy or correctness fails; and the smallest n that
keeps it at most the target. The adversary's stake is split over K nodes (default round(F*N)).
The controller accepts 3 <= n <= 32 and needs n * seat-ratio active nodes (its minActivePerSeat:
4 in production, 1 on the devnet; docs/committee-selection.md); larger n are shown, marked, never
recommended. Odd n only unless --all (an even n has the t of n-1 and one more member to corrupt).

Examples:
  enigma plan --nodes 100 --corrupt 0.2
  enigma plan --nodes 1000 --corrupt 0.25 --target 1e-12 --svg plan.svg
  enigma plan --nodes 50 --corrupt 0.1 --committee 9 --json`

function num(name: string, v: string | undefined, integer: boolean): number | undefined {
  if (v === undefined) return undefined
  const x = Number(v)
  if (v.trim() === '' || !Number.isFinite(x) || (integer && !Number.isInteger(x))) {
    throw new CliUsageError(`--${name} must be ${integer ? 'an integer' : 'a number'}, got '${v}'`, PLAN_USAGE)
  }
  return x
}

export const planCommand: Command = {
  name: 'plan',
  summary: 'committee size for a failure probability target (security planner)',
  async run(argv) {
    let values: Record<string, string | boolean | undefined>
    try {
      values = parseArgs({
        args: argv, allowPositionals: false, strict: true,
        options: {
          nodes: { type: 'string' }, corrupt: { type: 'string' }, committee: { type: 'string' }, target: { type: 'string' },
          'corrupt-nodes': { type: 'string' }, 'seat-ratio': { type: 'string' }, svg: { type: 'string' }, json: { type: 'boolean' }, all: { type: 'boolean' },
          help: { type: 'boolean', short: 'h' },
        },
      }).values
    } catch (e) {
      throw new CliUsageError((e as Error).message, PLAN_USAGE)
    }
    if (values.help) { console.log(PLAN_USAGE); return 0 }
    const nodes = num('nodes', values.nodes as string | undefined, true)
    const corrupt = num('corrupt', values.corrupt as string | undefined, false)
    if (nodes === undefined || corrupt === undefined) throw new CliUsageError('--nodes and --corrupt are required', PLAN_USAGE)
    const { plan } = await import('../../chain/committee-planner.ts')
    const r = plan({
      nodes, corrupt,
      committee: num('committee', values.committee as string | undefined, true),
      target: num('target', values.target as string | undefined, false),
      corruptNodes: num('corrupt-nodes', values['corrupt-nodes'] as string | undefined, true),
      seatRatio: num('seat-ratio', values['seat-ratio'] as string | undefined, true),
    })
    if (typeof values.svg === 'string') {
      const { planSvg } = await import('../../chain/committee-planner-svg.ts')
      await writeFile(values.svg, planSvg(r) + '\n')
    }
    if (values.json) {
      console.log(JSON.stringify({ model: r.model, target: r.target, recommended: r.recommended ?? null, rows: r.rows }))
      return 0
    }
    const m = r.model
    console.log(`${m.honest + m.corrupt} active nodes, adversary holds ${(m.corruptStake * 100).toFixed(2)} % of the stake over ${m.corrupt} node(s); target ${r.target.toExponential()}`)
    console.log('    n    t   P(more than t corrupt)')
    const shown = values.all || values.committee !== undefined ? r.rows : r.rows.filter((x) => x.n % 2 === 1)
    // Stop the table a little after the recommendation: the rest only shrinks.
    const stopAt = r.recommended === undefined ? Infinity : r.recommended + 8
    for (const x of shown) {
      if (x.n > stopAt) break
      const note = x.n === r.recommended ? '   <- smallest meeting the target' : x.allowed ? '' : '   (not allowed by the controller)'
      console.log(`${String(x.n).padStart(5)} ${String(x.t).padStart(4)}   ${x.failure.toExponential(3)}${note}`)
    }
    if (r.recommended === undefined) console.log(`no committee size the controller accepts meets the target: lower the adversary's share, add nodes, or relax --target`)
    else console.log(`recommended: n = ${r.recommended}, t = ${Math.floor((r.recommended - 1) / 2)}`)
    if (typeof values.svg === 'string') console.log(`plot written to ${values.svg}`)
    return 0
  },
}
