/**
 * A local, file-backed `TaskSource` (issue #4): tasks are listed in a JSON file that every node of a
 * devnet reads; the file is polled (cheap, works on every filesystem, no inotify limits) and new
 * tasks or cancellations become events. Attestations are appended as JSON lines next to it, where a
 * test or a relayer can collect them. The chain layer implements the same interface on the
 * controller contract.
 *
 * File shape: `{ "tasks": TaskSpec[], "cancelled"?: { "taskId": Hex, "reason": string }[] }`.
 */
import { readFile, appendFile, stat } from 'node:fs/promises'
import { DEFAULT_SKEW_SECONDS, type Attestation, type Hex, type SourceClock, type SourceTaskStatus, type TaskEvent, type TaskSource, type TaskSpec } from './task-source.ts'
import { checkTaskSpec } from './task-spec-check.ts'
import type { Logger } from './log.ts'
import { silentLogger } from './log.ts'

export interface FileTaskSourceInit {
  readonly path: string
  readonly pollMs?: number
  /** Where attestations go (JSON lines); default `<path>.attestations.jsonl`. */
  readonly attestationsPath?: string
  readonly log?: Logger
  /**
   * The clock deadlines are judged by. A file has no chain: the local clock with a skew margin
   * (default `DEFAULT_SKEW_SECONDS`); tests pass a clock that is off the local one.
   */
  readonly clock?: SourceClock
}

interface TaskFile {
  tasks?: unknown[]
  cancelled?: { taskId: Hex; reason: string }[]
}

export class FileTaskSource implements TaskSource {
  readonly #init: FileTaskSourceInit
  readonly #handlers = new Set<(e: TaskEvent) => void>()
  readonly #known = new Map<Hex, TaskSpec>()
  readonly #cancelled = new Set<Hex>()
  #timer: ReturnType<typeof setInterval> | undefined
  #lastMtime = -1
  #polling = false

  readonly clock: SourceClock

  constructor(init: FileTaskSourceInit) {
    this.#init = init
    this.clock = init.clock ?? { now: () => Date.now() / 1000, skewSeconds: DEFAULT_SKEW_SECONDS }
  }

  async start(_options: { signal?: AbortSignal } = {}): Promise<void> {
    await this.#poll()
    this.#timer = setInterval(() => { void this.#poll() }, this.#init.pollMs ?? 250)
    this.#timer.unref?.()
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer)
    this.#timer = undefined
  }

  subscribe(handler: (event: TaskEvent) => void): () => void {
    this.#handlers.add(handler)
    return () => this.#handlers.delete(handler)
  }

  async openTasks(): Promise<TaskSpec[]> {
    await this.#poll()
    const now = this.clock.now()
    return [...this.#known.values()].filter((t) => !this.#cancelled.has(t.taskId) && t.deadline > now)
  }

  async taskStatus(taskId: Hex): Promise<SourceTaskStatus> {
    await this.#poll()
    const id = taskId.toLowerCase() as Hex
    const spec = this.#known.get(id)
    if (!spec) return 'unknown'
    return this.#cancelled.has(id) || spec.deadline + this.clock.skewSeconds < this.clock.now() ? 'closed' : 'open'
  }

  async publishAttestation(attestation: Attestation): Promise<void> {
    // One short line per write: O_APPEND keeps concurrent writers from interleaving.
    await appendFile(this.#init.attestationsPath ?? `${this.#init.path}.attestations.jsonl`, JSON.stringify(attestation) + '\n')
  }

  #emit(e: TaskEvent): void {
    for (const h of this.#handlers) {
      try { h(e) } catch (err) { this.#init.log?.error('task handler threw', { err }) }
    }
  }

  async #poll(): Promise<void> {
    if (this.#polling) return
    this.#polling = true
    const log = this.#init.log ?? silentLogger
    try {
      let mtime: number
      try {
        mtime = (await stat(this.#init.path)).mtimeMs
      } catch {
        return // no file yet: no tasks
      }
      if (mtime === this.#lastMtime) return
      let file: TaskFile
      try {
        file = JSON.parse(await readFile(this.#init.path, 'utf8')) as TaskFile
      } catch {
        return // a writer is mid-write (or the file is broken): try again next poll
      }
      this.#lastMtime = mtime
      for (const raw of Array.isArray(file.tasks) ? file.tasks : []) {
        let spec: TaskSpec
        try {
          spec = checkTaskSpec(raw)
        } catch (e) {
          log.warn('ignoring invalid task', { err: e })
          continue
        }
        if (this.#known.has(spec.taskId)) continue
        this.#known.set(spec.taskId, spec)
        this.#emit({ kind: 'created', task: spec })
      }
      for (const c of Array.isArray(file.cancelled) ? file.cancelled : []) {
        if (typeof c?.taskId !== 'string') continue
        const id = c.taskId.toLowerCase() as Hex
        if (this.#cancelled.has(id) || !this.#known.has(id)) continue
        this.#cancelled.add(id)
        this.#emit({ kind: 'cancelled', taskId: id, reason: String(c.reason ?? 'cancelled').slice(0, 200) })
      }
    } finally {
      this.#polling = false
    }
  }
}
