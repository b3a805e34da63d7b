// Types of test-schedule.mjs (a plain script, run by Node without a TypeScript loader).
export declare function readWeights(root: string, timesDir: string): Map<string, number>
export declare function orderLongestFirst(files: readonly string[], weights: ReadonlyMap<string, number>): string[]
