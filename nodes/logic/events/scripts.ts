/**
 * Look-alike identifiers: an id that mixes scripts the way a spoof does (a Cyrillic "е" inside
 * the Latin "etl") is refused. The rule is Unicode's "Highly Restrictive" level (UTS #39, 5.2):
 * the letters of one id come from one script, or from Latin with Han, Hiragana and Katakana
 * (Japanese), Latin with Han and Bopomofo (Chinese), or Latin with Han and Hangul (Korean, so
 * "매출_daily" passes). Digits, "_", "." and "-" are Common and never count; combining marks
 * take the script of their letter. Ids are compared in NFC.
 */

const SCRIPTS = [
	'Latin',
	'Cyrillic',
	'Greek',
	'Armenian',
	'Georgian',
	'Cherokee',
	'Hangul',
	'Han',
	'Hiragana',
	'Katakana',
	'Bopomofo',
	'Arabic',
	'Hebrew',
	'Thai',
	'Devanagari',
] as const;
type Script = (typeof SCRIPTS)[number] | 'Other';

const SCRIPT_TESTS: Array<[Script, RegExp]> = SCRIPTS.map((s) => [s, new RegExp(`^\\p{Script=${s}}$`, 'u')]);
const LETTER = /^\p{L}$/u;

const ALLOWED_MIXES: ReadonlyArray<ReadonlySet<Script>> = [
	new Set<Script>(['Latin', 'Han', 'Hiragana', 'Katakana']),
	new Set<Script>(['Latin', 'Han', 'Bopomofo']),
	new Set<Script>(['Latin', 'Han', 'Hangul']),
];

function scriptOf(ch: string): Script {
	for (const [script, test] of SCRIPT_TESTS) if (test.test(ch)) return script;
	return 'Other';
}

export interface ScriptMix {
	/** the scripts of the id's letters, most letters first */
	scripts: Script[];
	/** the letters outside the main script (at most 5), e.g. "е" U+0435 (Cyrillic) at 0 */
	odd: Array<{ char: string; codePoint: string; script: Script; index: number }>;
}

/** The scripts an id's letters come from. */
export function scriptMixOf(id: string): ScriptMix {
	const letters: Array<{ char: string; script: Script; index: number }> = [];
	const counts = new Map<Script, number>();
	let index = 0;
	for (const ch of id) {
		if (LETTER.test(ch)) {
			const script = scriptOf(ch);
			letters.push({ char: ch, script, index });
			counts.set(script, (counts.get(script) ?? 0) + 1);
		}
		index++;
	}
	const scripts = [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([s]) => s);
	const odd = letters
		.filter((l) => l.script !== scripts[0])
		.slice(0, 5)
		.map((l) => ({ ...l, codePoint: `U+${l.char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}` }));
	return { scripts, odd };
}

/** Whether the mix of scripts is one a real name has (one script, or an allowed CJK + Latin mix). */
export function isSingleScriptOrAllowedMix(mix: ScriptMix): boolean {
	if (mix.scripts.length <= 1) return true;
	if (mix.scripts.includes('Other')) return false;
	return ALLOWED_MIXES.some((allowed) => mix.scripts.every((s) => allowed.has(s)));
}

/** A phrase naming what is mixed, e.g. 'mixes Latin with Cyrillic "е" (U+0435) at position 0'. */
export function describeMix(mix: ScriptMix): string {
	const others = mix.odd.map((o) => `${o.script} "${o.char}" (${o.codePoint}) at position ${o.index}`).join(', ');
	return `mixes ${mix.scripts[0]} with ${others}`;
}
