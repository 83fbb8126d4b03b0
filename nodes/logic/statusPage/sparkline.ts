/**
 * Inline SVG sparklines for the row-count trends: numbers only go into the SVG (no text from the
 * database), so nothing in it needs escaping beyond the label the caller escapes.
 */

export interface SparklineOptions {
	width?: number;
	height?: number;
	/** the accessible label (already escaped by the caller) */
	label: string;
	/** CSS class of the line, e.g. its light */
	tone?: string;
}

const PAD = 2;

function fmt(n: number): string {
	return (Math.round(n * 10) / 10).toString();
}

/** x/y coordinates of the measured points; gaps (null) are skipped, so the line bridges them. */
export function sparklinePoints(values: ReadonlyArray<number | null>, width: number, height: number): Array<[number, number]> {
	const measured = values.filter((v): v is number => v !== null && Number.isFinite(v));
	if (measured.length === 0) return [];
	const min = Math.min(...measured);
	const max = Math.max(...measured);
	const span = max - min;
	const stepX = values.length > 1 ? (width - 2 * PAD) / (values.length - 1) : 0;
	const points: Array<[number, number]> = [];
	values.forEach((v, i) => {
		if (v === null || !Number.isFinite(v)) return;
		const y = span === 0 ? height / 2 : PAD + (1 - (v - min) / span) * (height - 2 * PAD);
		points.push([PAD + i * stepX, y]);
	});
	return points;
}

export function sparklineSvg(values: ReadonlyArray<number | null>, options: SparklineOptions): string {
	const width = options.width ?? 140;
	const height = options.height ?? 30;
	const points = sparklinePoints(values, width, height);
	const tone = options.tone ?? 'none';
	const head = `<svg class="spark spark-${tone}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${options.label}"><title>${options.label}</title>`;
	if (points.length === 0) return `${head}</svg>`;
	const path = points.map(([x, y]) => `${fmt(x)},${fmt(y)}`).join(' ');
	const [lx, ly] = points[points.length - 1];
	const line = points.length > 1 ? `<polyline points="${path}" fill="none" stroke-width="1.5"/>` : '';
	return `${head}${line}<circle cx="${fmt(lx)}" cy="${fmt(ly)}" r="2.2"/></svg>`;
}
