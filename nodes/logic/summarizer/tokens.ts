/**
 * The token estimate used for budgets. It is deliberately a little pessimistic, so that a
 * prompt estimated within budget is within budget for the usual OpenAI tokenizers
 * (cl100k_base, o200k_base) and for Llama/Qwen-style tokenizers on vLLM or Ollama:
 *
 * - ASCII text: 1 token per 3.5 characters (OpenAI's rule of thumb is 4 for English prose;
 *   logs are denser in digits, punctuation and identifiers, which split more).
 * - Hangul syllables and jamo, CJK ideographs, kana: 1.5 tokens per character (cl100k_base
 *   spends 1 to 3 tokens per Hangul syllable, o200k_base about 1).
 * - any other non-ASCII character: 1 token (accents, symbols, emoji mostly 1 to 2 bytes-pairs).
 */

const ASCII_CHARS_PER_TOKEN = 3.5;
const CJK_TOKENS_PER_CHAR = 1.5;
const OTHER_TOKENS_PER_CHAR = 1;

/** Whether a UTF-16 code unit is a Hangul, CJK or kana character. */
function isCjk(code: number): boolean {
	return (
		(code >= 0xac00 && code <= 0xd7a3) || // Hangul syllables
		(code >= 0x1100 && code <= 0x11ff) || // Hangul jamo
		(code >= 0x3130 && code <= 0x318f) || // Hangul compatibility jamo
		(code >= 0x3040 && code <= 0x30ff) || // kana
		(code >= 0x4e00 && code <= 0x9fff) || // CJK unified ideographs
		(code >= 0x3400 && code <= 0x4dbf)
	);
}

/** Estimated tokens of a text (see the module comment for the rule). */
export function estimateTokens(text: string): number {
	let ascii = 0;
	let cjk = 0;
	let other = 0;
	for (let i = 0; i < text.length; i++) {
		const code = text.charCodeAt(i);
		if (code < 128) ascii++;
		else if (isCjk(code)) cjk++;
		else if (code >= 0xdc00 && code <= 0xdfff) continue; // low surrogate: counted with its high half
		else other++;
	}
	return Math.ceil(ascii / ASCII_CHARS_PER_TOKEN + cjk * CJK_TOKENS_PER_CHAR + other * OTHER_TOKENS_PER_CHAR);
}
