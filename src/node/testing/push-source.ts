/**
 * A task source a test drives by hand: it emits the `created` events it is handed, and lists them as
 * open (the latest spec per task id: a re-run's next attempt replaces the one before). Lets in-process
 * tests run real `SecretNode`s without a chain.
 */
import type { TaskEvent, TaskSource, TaskSpec } from '../task-source.ts'

export class PushSource implements TaskSource {
  readonly #handlers = new Set<(e: TaskEvent) => void>()
  readonly #open = new Map<string, TaskSpec>()
  async start(): Promise<void> {}
  async stop(): Promise<void> {}
  subscribe(handler: (e: TaskEvent) => void): () => void { this.#handlers.add(handler); return () => this.#handlers.delete(handler) }
  async openTasks(): Promise<TaskSpec[]> { return [...this.#open.values()] }
  emit(task: TaskSpec): void {
    this.#open.set(task.taskId, task)
    for (const h of this.#handlers) h({ kind: 'created', task })
  }
}
