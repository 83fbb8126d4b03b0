/**
 * Inline SVG charts for the row-count trends: numbers only go into the SVG (no text from the
 * database), so nothing in it needs escaping beyond the label the caller escapes.
 */

const PAD = 2;

function fmt(n: number): string {
	return (Math.round(n * 10) / 10).toString();
}

export interface LoadBarsOptions {
	width?: number;
	height?: number;
	/** the accessible label (already escaped by the caller) */
	label: string;
}

/**
 * Rows loaded per day as bars from a zero line (a decrease hangs below it). A day flagged red or
 * yellow draws its bar in that light with a dot above it, so an anomaly stands out from the usual
 * loads instead of vanishing into a line of totals.
 */
export function loadBarsSvg(loads: ReadonlyArray<number | null>, lights: ReadonlyArray<string | null>, options: LoadBarsOptions): string {
	const width = options.width ?? 140;
	const height = options.height ?? 30;
	const head = `<svg class="bars" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${options.label}"><title>${options.label}</title>`;
	const measured = loads.filter((v): v is number => v !== null && Number.isFinite(v));
	if (measured.length === 0 || loads.length === 0) return `${head}</svg>`;
	const top = PAD + 4; // room for the dots
	const max = Math.max(0, ...measured);
	const min = Math.min(0, ...measured);
	const span = max - min || 1;
	const y = (v: number) => top + ((max - v) / span) * (height - top - PAD);
	const zero = y(0);
	const slot = (width - 2 * PAD) / loads.length;
	const barWidth = Math.max(1, slot - 1);
	const parts: string[] = [`<line class="zero" x1="${PAD}" x2="${width - PAD}" y1="${fmt(zero)}" y2="${fmt(zero)}"/>`];
	loads.forEach((v, i) => {
		if (v === null || !Number.isFinite(v)) return;
		const light = lights[i];
		const flagged = light === 'red' || light === 'yellow';
		const x = PAD + i * slot;
		const y1 = Math.min(y(v), zero);
		const h = Math.max(1, Math.abs(y(v) - zero));
		parts.push(`<rect class="${flagged ? `b-${light}` : 'b'}" x="${fmt(x)}" y="${fmt(y1)}" width="${fmt(barWidth)}" height="${fmt(h)}"/>`);
		if (flagged) parts.push(`<circle class="d-${light}" cx="${fmt(x + barWidth / 2)}" cy="${fmt(Math.max(2.5, y1 - 3))}" r="2.5"/>`);
	});
	return `${head}${parts.join('')}</svg>`;
}
