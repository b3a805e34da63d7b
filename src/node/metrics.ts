/**
 * The node's Prometheus metrics on `prom-client` (issue #13 §5: the registry operators already run),
 * with the names and meanings of issue #4: tasks by state, rounds, bytes, durations, peers, API
 * requests (`enigma_node_*`, `_total`, `_seconds`, `_bytes`), plus prom-client's standard process and
 * Node.js metrics (`process_*`, `nodejs_*`). One registry per node, so several nodes in one process
 * (tests, benchmarks) never mix their figures.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client'

type Labels = Readonly<Record<string, string>>
/** Values read at scrape time (gauges of state the node already keeps). */
export type Collect = () => Iterable<[Labels, number]>

/** A prom-client registry whose text exposition is `render()` (async, as prom-client's collectors are). */
export class MetricsRegistry extends Registry {
  render(): Promise<string> {
    return this.metrics()
  }
}

/** Seconds; the buckets of issue #4's hand-written registry, kept so dashboards keep their panels. */
const DURATION_BUCKETS = [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300]

export interface NodeMetricsOptions {
  /** Add prom-client's default process/Node.js metrics (default true). */
  readonly defaultMetrics?: boolean
}

export function nodeMetrics(registry = new MetricsRegistry(), options: NodeMetricsOptions = {}) {
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry })
  const registers = [registry]
  /** A gauge filled from `collect` at every scrape; registering it again replaces it (a restarted node). */
  const collected = (name: string, help: string, labelNames: readonly string[]) => (collect: Collect): Gauge<string> => {
    registry.removeSingleMetric(name)
    return new Gauge({
      name, help, labelNames, registers,
      collect() {
        this.reset()
        for (const [labels, value] of collect()) this.set(labels, value)
      },
    })
  }
  const duration = new Histogram({ name: 'enigma_node_task_duration_seconds', help: 'Time from the last input share to the result', labelNames: ['security'], buckets: DURATION_BUCKETS, registers })
  return {
    registry,
    tasksStarted: new Counter({ name: 'enigma_node_tasks_total', help: 'Tasks that ended, by final state', labelNames: ['state'], registers }),
    tasksByState: collected('enigma_node_tasks', 'Tasks known to this node, by state', ['state']),
    taskDuration: { observe: (seconds: number, labels: Labels = {}) => duration.observe(labels, seconds) },
    sharesReceived: new Counter({ name: 'enigma_node_input_shares_total', help: 'Input-share submissions, by outcome', labelNames: ['outcome'], registers }),
    mpcBytes: collected('enigma_node_mpc_bytes', 'Bytes moved by the MPC transport since start, by direction', ['direction']),
    mpcFrames: collected('enigma_node_mpc_frames', 'Frames moved by the MPC transport since start, by direction', ['direction']),
    rounds: new Counter({ name: 'enigma_node_mpc_rounds_total', help: 'Communication rounds of finished computations', registers }),
    refusedPeers: new Counter({ name: 'enigma_node_refused_frames_total', help: 'Frames refused because the sender is not in the committee', registers }),
    peers: collected('enigma_node_peers', 'Connected libp2p peers', []),
    apiRequests: new Counter({ name: 'enigma_node_api_requests_total', help: 'Client API requests, by route and status', labelNames: ['route', 'status'], registers }),
  }
}
export type NodeMetrics = ReturnType<typeof nodeMetrics>
