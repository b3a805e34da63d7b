/**
 * The envelope context name of a custody share (src/sharing/envelope.ts binds it as the "input"):
 * `@record` can never be a task slot name (api.ts accepts only identifiers), so a custody envelope
 * cannot be replayed as a task input or the reverse. Its own file: the browser SDK imports it.
 */
export const CUSTODY_INPUT = '@record'
