// Types of test-schedule.mjs (a plain script, run by Node without a TypeScript loader).
export declare function readWeights(root: string, timesDir: string): Map<string, number>
export declare function orderLongestFirst(files: readonly string[], weights: ReadonlyMap<string, number>): string[]
export interface FileProfile { readonly wall: number; readonly cpu: number | undefined }
export declare function readProfiles(root: string, timesDir: string): Map<string, FileProfile>
export declare function cpuShare(profile: FileProfile | undefined): number
export declare function pickNext(queue: readonly string[], running: readonly string[], o: { concurrency: number; extra: number; shareOf: (file: string) => number }): number
export declare function formatReference(ref: Readonly<Record<string, { wall: number; cpu?: number }>>): string
