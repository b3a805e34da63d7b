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
import type { Attestation, Hex, TaskEvent, TaskSource, TaskSpec } from './task-source.ts'
import { checkTaskSpec } from './task-spec-check.ts'
import type { Logger } from './log.ts'
import { silentLogger } from './log.ts'

export interface FileTaskSourceInit {
  readonly path: string
  readonly pollMs?: number
  /** Where attestations go (JSON lines); default `<path>.attestations.jsonl`. */
  readonly attestationsPath?: string
  readonly log?: Logger
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

  constructor(init: FileTaskSourceInit) {
    this.#init = init
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
    const now = Date.now() / 1000
    return [...this.#known.values()].filter((t) => !this.#cancelled.has(t.taskId) && t.deadline > now)
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
      for (const raw of file.tasks ?? []) {
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
      for (const c of file.cancelled ?? []) {
        if (this.#cancelled.has(c.taskId) || !this.#known.has(c.taskId)) continue
        this.#cancelled.add(c.taskId)
        this.#emit({ kind: 'cancelled', taskId: c.taskId, reason: String(c.reason ?? 'cancelled') })
      }
    } finally {
      this.#polling = false
    }
  }
}
