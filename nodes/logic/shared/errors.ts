/**
 * An error in the input of a logic module, free of n8n. It names the field and the value that
 * were wrong and says what to change; the node adapters turn it into a NodeOperationError for
 * the item it came from.
 */
export class InputError extends Error {
	readonly field: string;
	readonly value: unknown;
	readonly hint: string;

	constructor(field: string, value: unknown, problem: string, hint: string) {
		super(`${field} ${problem}: ${describeValue(value)}`);
		this.name = 'InputError';
		this.field = field;
		this.value = value;
		this.hint = hint;
	}
}

/** A short, safe rendering of a bad value for an error message. */
export function describeValue(value: unknown): string {
	if (value === undefined) return '(missing)';
	if (value === null) return 'null';
	if (typeof value === 'string') return JSON.stringify(value.length > 80 ? value.slice(0, 77) + '...' : value);
	if (typeof value === 'number' || typeof value === 'boolean') return String(value);
	try {
		const text = JSON.stringify(value);
		return text.length > 80 ? text.slice(0, 77) + '...' : text;
	} catch {
		return Object.prototype.toString.call(value);
	}
}
