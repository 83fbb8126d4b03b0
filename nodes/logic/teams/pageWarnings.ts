import type { Row } from './types';

/** The warnings of a page's rows (links left out), each once, for the message footer. */
export function pageWarnings(rows: readonly Row[]): string[] {
	return [...new Set(rows.flatMap((r) => r.warnings))];
}
