/** Builds the CLI bundle into `outfile` (default dist/parley.js) and returns its path. */
export function buildCli(outfile?: string): Promise<string>;
