/** Renders the model into the page's sections (plain DOM through dom.ts). */
import { formatEther, hexToString, type Hex } from 'viem'
import { badge, h, mount, short, svgNode, table } from './dom.ts'
import { latencies, statusOf, type DashboardModel, type OtherEvent } from './model.ts'
import { latencySvg } from './latency-chart.ts'
import { plan } from '../../chain/committee-planner.ts'
import { planSvg } from '../../chain/committee-planner-svg.ts'

const eth = (wei: bigint) => `${Number(formatEther(wei)).toLocaleString('en', { maximumFractionDigits: 4 })} ETH`
const ago = (ms: number | undefined) => (ms === undefined ? '—' : `${Math.max(0, Math.round((Date.now() - ms) / 1000))} s ago`)

export function renderHeader(m: DashboardModel, controller: string, chainId: number): void {
  mount('chain', `chain ${chainId} · controller ${controller} · block ${m.latestBlock}`)
}

export function renderNodes(m: DashboardModel): void {
  const rows = [...m.nodes.values()].map((n) => {
    const state = n.slashed ? 'slashed' : n.suspended ? 'suspended' : n.active ? 'active' : 'inactive'
    return h('tr', { 'data-node': n.account.toLowerCase(), 'data-peer': n.peerId, 'data-state': state },
      h('td', { class: 'mono', title: n.peerId }, short(n.peerId, 8)),
      h('td', { class: 'mono', title: n.account }, short(n.account)),
      h('td', {}, eth(n.stake)),
      h('td', {}, badge(state)),
      h('td', {}, n.tasksServed ?? '—'),
      h('td', {}, n.api === undefined ? h('span', { class: 'muted' }, 'no API') : ago(n.lastSeen)))
  })
  mount('nodes', table(['peer id', 'account', 'stake', 'state', 'tasks served', 'last seen (metrics)'], rows, 'no nodes registered yet'))
}

export function renderTasks(m: DashboardModel, showReruns: boolean): void {
  const now = m.latestTime
  const tasks = [...m.tasks.values()].sort((a, b) => Number(b.createdBlock - a.createdBlock))
  const rows = tasks.map((t) => {
    const status = statusOf(t, now)
    const c = m.contracts.get(t.codeHash)
    const uri = c && !c.uri.endsWith(t.codeHash) ? c.uri : short(t.codeHash)
    const gas = (t.gasCreate ?? 0n) + (t.gasReceipt ?? 0n)
    return h('tr', { 'data-task': t.taskId, 'data-status': status },
      h('td', { class: 'mono', title: t.taskId }, short(t.taskId)),
      h('td', { class: 'mono', title: c?.uri ?? t.codeHash }, uri),
      h('td', {}, t.security),
      h('td', { title: t.committee.join('\n') }, `${t.n} (t=${t.t})`),
      h('td', {}, `${t.filled.size}/${t.slots}`),
      h('td', {}, badge(status), t.nodeState && status !== 'completed' ? h('span', { class: 'muted' }, ` ${t.nodeState}`) : null),
      h('td', {}, c ? String(c.rounds) : '—'),
      h('td', {}, gas > 0n ? gas.toLocaleString('en') : '—'),
      h('td', {}, eth(t.fee)),
      h('td', { class: 'mono', title: t.receiptTx ?? '' }, t.receiptTx ? `${short(t.receiptTx)} (${t.signers?.length ?? 0} signers)` : '—'),
      showReruns ? h('td', {}, t.reruns) : null)
  })
  mount('tasks', table(['task', 'contract', 'security', 'committee', 'inputs', 'status', 'rounds', 'gas', 'fee', 'receipt', ...(showReruns ? ['re-runs'] : [])], rows, 'no tasks yet'))
}

export function renderLatency(m: DashboardModel): void {
  const pts = latencies(m)
  mount('latency', pts.length === 0 ? h('p', { class: 'muted' }, 'no completed task yet') : svgNode(latencySvg(pts)))
}

function reasonText(r: Hex): string {
  try {
    const s = hexToString(r, { size: 32 }).replace(/\0+$/, '')
    return /^[\x20-\x7e]+$/.test(s) ? s : short(r)
  } catch { return short(r) }
}

function eventRows(events: readonly OtherEvent[]): HTMLElement[] {
  return events.map((e) => h('tr', {},
    h('td', {}, e.eventName), h('td', {}, String(e.block)),
    h('td', { class: 'mono' }, Object.entries(e.args).map(([k, v]) => `${k}=${typeof v === 'string' ? short(v, 8) : String(v)}`).join(' '))))
}

export function renderSlashing(m: DashboardModel): void {
  const rows = m.slashes.map((s) => h('tr', {},
    h('td', { class: 'mono' }, short(s.node)), h('td', { class: 'mono' }, short(s.taskId)), h('td', {}, reasonText(s.reason)),
    h('td', {}, eth(s.amount)), h('td', {}, eth(s.reward)), h('td', {}, String(s.block))))
  mount('slashing',
    table(['node', 'task', 'reason', 'slashed', 'reward to reporter', 'block'], rows, 'no node has been slashed'),
    m.accusations.length > 0 ? table(['event', 'block', 'details'], eventRows(m.accusations), '') : null)
}

export function renderRecords(m: DashboardModel, hasRecordEvents: boolean): void {
  const section = document.getElementById('records-section')
  if (section) section.hidden = !hasRecordEvents
  if (hasRecordEvents) mount('records', table(['event', 'block', 'details'], eventRows(m.records), 'no records or grants yet'))
}

/** The committee-security planner for the current active set; inputs edited in place. */
export interface PlannerInputs {
  readonly corrupt: number
  readonly target: number
  /** What-if size of the active set (undefined: the chain's). */
  readonly nodes: number | undefined
}

export function renderPlanner(m: DashboardModel, inputs: PlannerInputs): void {
  const active = inputs.nodes ?? [...m.nodes.values()].filter((n) => n.active && !n.slashed && !n.suspended).length
  const form = document.querySelector('form.plan')
  const status = document.getElementById('plan-result')
  const plot = document.getElementById('plan-plot')
  if (!form || !status || !plot) return
  if (active < 3) { status.textContent = `${active} active nodes: at least 3 are needed for a committee`; plot.replaceChildren(); return }
  try {
    // Sizes a little past the controller's limit of 32 keep the plot readable and show the trend.
    const r = plan({ nodes: active, corrupt: inputs.corrupt, target: inputs.target, maxCommittee: 40 })
    const p = r.rows.find((x) => x.n === r.recommended)?.failure
    status.textContent = r.recommended === undefined
      ? `${active} nodes: no committee the controller accepts (n ≤ 32) meets ${inputs.target.toExponential()}`
      : `${active} nodes: smallest safe committee n = ${r.recommended} ` + (p === 0
        ? `(P = 0: the adversary's ${r.model.corrupt} equal nodes cannot take more than t seats)`
        : `(P = ${p!.toExponential(2)})`)
    plot.replaceChildren(svgNode(planSvg(r, { width: 460, height: 220 })))
  } catch (e) {
    status.textContent = (e as Error).message
  }
}

export function plannerForm(onChange: (v: PlannerInputs) => void): void {
  const nodes = h('input', { type: 'number', min: 3, max: 100000, step: 1, placeholder: 'active', name: 'nodes' }) as HTMLInputElement
  const corrupt = h('input', { type: 'number', min: 0, max: 0.99, step: 0.01, value: 0.2, name: 'corrupt' }) as HTMLInputElement
  const target = h('input', { type: 'text', value: '1e-9', name: 'target' }) as HTMLInputElement
  const fire = () => onChange({ corrupt: Number(corrupt.value), target: Number(target.value), nodes: nodes.value === '' ? undefined : Number(nodes.value) })
  nodes.addEventListener('input', fire)
  corrupt.addEventListener('input', fire)
  target.addEventListener('input', fire)
  mount('planner',
    h('form', { class: 'plan' }, h('label', {}, 'nodes ', nodes), h('label', {}, 'adversary stake ', corrupt), h('label', {}, 'target ', target)),
    h('div', { id: 'plan-result', class: 'muted' }), h('div', { id: 'plan-plot' }))
}
