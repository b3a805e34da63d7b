/**
 * A small Prometheus text-format registry (no dependency): counters, gauges and histograms with
 * labels. Enough for tasks by state, rounds, bytes, durations and peers (issue #4); names follow
 * Prometheus conventions (`enigma_node_*`, `_total`, `_seconds`, `_bytes`).
 */
type Labels = Readonly<Record<string, string>>

function labelKey(labels: Labels): string {
  const keys = Object.keys(labels).sort()
  if (keys.length === 0) return ''
  return '{' + keys.map((k) => `${k}="${String(labels[k]).replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`).join(',') + '}'
}

interface Metric {
  render(): string
}

export class Counter implements Metric {
  readonly #values = new Map<string, number>()
  constructor(readonly name: string, readonly help: string) {}
  inc(labels: Labels = {}, by = 1): void {
    const k = labelKey(labels)
    this.#values.set(k, (this.#values.get(k) ?? 0) + by)
  }
  get(labels: Labels = {}): number {
    return this.#values.get(labelKey(labels)) ?? 0
  }
  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`]
    for (const [k, v] of this.#values) lines.push(`${this.name}${k} ${v}`)
    return lines.join('\n')
  }
}

export class Gauge implements Metric {
  readonly #values = new Map<string, number>()
  #collect: (() => Iterable<[Labels, number]>) | undefined
  constructor(readonly name: string, readonly help: string, collect?: () => Iterable<[Labels, number]>) {
    this.#collect = collect
  }
  set(value: number, labels: Labels = {}): void {
    this.#values.set(labelKey(labels), value)
  }
  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} gauge`]
    if (this.#collect) for (const [l, v] of this.#collect()) lines.push(`${this.name}${labelKey(l)} ${v}`)
    else for (const [k, v] of this.#values) lines.push(`${this.name}${k} ${v}`)
    return lines.join('\n')
  }
}

export class Histogram implements Metric {
  readonly #series = new Map<string, { counts: number[]; sum: number; count: number }>()
  constructor(readonly name: string, readonly help: string, readonly buckets: readonly number[] = [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300]) {}
  observe(value: number, labels: Labels = {}): void {
    const k = labelKey(labels)
    let s = this.#series.get(k)
    if (!s) { s = { counts: this.buckets.map(() => 0), sum: 0, count: 0 }; this.#series.set(k, s) }
    this.buckets.forEach((b, i) => { if (value <= b) s!.counts[i]!++ })
    s.sum += value
    s.count++
  }
  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`]
    for (const [k, s] of this.#series) {
      const inner = k ? k.slice(1, -1) + ',' : ''
      this.buckets.forEach((b, i) => lines.push(`${this.name}_bucket{${inner}le="${b}"} ${s.counts[i]}`))
      lines.push(`${this.name}_bucket{${inner}le="+Inf"} ${s.count}`)
      lines.push(`${this.name}_sum${k} ${s.sum}`)
      lines.push(`${this.name}_count${k} ${s.count}`)
    }
    return lines.join('\n')
  }
}

export class Registry {
  readonly #metrics: Metric[] = []
  register<M extends Metric>(m: M): M {
    this.#metrics.push(m)
    return m
  }
  render(): string {
    return this.#metrics.map((m) => m.render()).join('\n') + '\n'
  }
}

/** The node's metrics, created once per node. */
export function nodeMetrics(registry = new Registry()) {
  return {
    registry,
    tasksStarted: registry.register(new Counter('enigma_node_tasks_total', 'Tasks that ended, by final state')),
    tasksByState: (collect: () => Iterable<[Labels, number]>) => registry.register(new Gauge('enigma_node_tasks', 'Tasks known to this node, by state', collect)),
    taskDuration: registry.register(new Histogram('enigma_node_task_duration_seconds', 'Time from the last input share to the result')),
    sharesReceived: registry.register(new Counter('enigma_node_input_shares_total', 'Input-share submissions, by outcome')),
    mpcBytes: (collect: () => Iterable<[Labels, number]>) => registry.register(new Gauge('enigma_node_mpc_bytes', 'Bytes moved by the MPC transport since start, by direction', collect)),
    mpcFrames: (collect: () => Iterable<[Labels, number]>) => registry.register(new Gauge('enigma_node_mpc_frames', 'Frames moved by the MPC transport since start, by direction', collect)),
    rounds: registry.register(new Counter('enigma_node_mpc_rounds_total', 'Communication rounds of finished computations')),
    refusedPeers: registry.register(new Counter('enigma_node_refused_frames_total', 'Frames refused because the sender is not in the committee')),
    peers: (collect: () => Iterable<[Labels, number]>) => registry.register(new Gauge('enigma_node_peers', 'Connected libp2p peers', collect)),
    apiRequests: registry.register(new Counter('enigma_node_api_requests_total', 'Client API requests, by route and status')),
  }
}
export type NodeMetrics = ReturnType<typeof nodeMetrics>
