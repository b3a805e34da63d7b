/**
 * Progress of a long CLI step, for a human at a terminal: on stderr (stdout stays the result, so
 * `--json` output and pipes are unaffected), only when stderr is a TTY and --json is off.
 */
export type Progress = (step: string) => void

export function progress(json: boolean, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (json || !stream.isTTY) return () => {}
  const t0 = Date.now()
  return (step) => { stream.write(`… ${step} (${((Date.now() - t0) / 1000).toFixed(1)} s)\n`) }
}
