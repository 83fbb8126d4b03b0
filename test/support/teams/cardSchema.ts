/**
 * Validates Adaptive Cards against the official schema (test/fixtures/reference/teams, draft-06),
 * handling the quirks listed in test/fixtures/reference/README.md:
 * - the schema rejects the Teams-only `msteams` property: it is checked here on its own
 *   (width "Full", mention entities) and removed before the schema sees the card;
 * - the schema spells the Table flag `firstRowAsHeader` while renderers read
 *   `firstRowAsHeaders`: the renderer spelling is mapped to the schema's before validation.
 * It also checks that no element or property newer than the declared card version is used
 * (Teams Workflows webhooks take 1.4 at most).
 */
import fs from 'node:fs';
import Ajv from 'ajv';
import type { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import draft6 from 'ajv/dist/refs/json-schema-draft-06.json';
import { referenceFile } from '../reference';

type Json = Record<string, unknown>;

export interface CardCheck {
	valid: boolean;
	errors: string[];
}

let cached: { validate: ValidateFunction; schema: Json } | null = null;

function compiled(): { validate: ValidateFunction; schema: Json } {
	if (cached) return cached;
	const schema = JSON.parse(fs.readFileSync(referenceFile('teams', 'adaptive-card-1.5.schema.json'), 'utf8')) as Json;
	// the file names its id with the draft-04 keyword `id`; draft-06 (and ajv) read `$id`
	if (typeof schema.id === 'string' && schema.$id === undefined) {
		schema.$id = schema.id;
		delete schema.id;
	}
	const ajv = new Ajv({ strict: false, allErrors: true, meta: false, validateSchema: false });
	ajv.addMetaSchema(draft6);
	addFormats(ajv);
	cached = { validate: ajv.compile(schema), schema };
	return cached;
}

function checkMsteams(value: unknown, errors: string[]): void {
	if (value === undefined) return;
	if (!value || typeof value !== 'object') {
		errors.push('msteams is not an object');
		return;
	}
	const msteams = value as Json;
	for (const key of Object.keys(msteams)) if (key !== 'width' && key !== 'entities') errors.push(`msteams.${key} is not a Teams property`);
	if (msteams.width !== undefined && msteams.width !== 'Full') errors.push('msteams.width must be "Full"');
	if (msteams.entities !== undefined) {
		if (!Array.isArray(msteams.entities)) errors.push('msteams.entities is not an array');
		else
			for (const [i, e] of (msteams.entities as Json[]).entries()) {
				const mentioned = e.mentioned as Json | undefined;
				if (e.type !== 'mention' || typeof e.text !== 'string' || !/^<at>.+<\/at>$/.test(e.text) || !mentioned || typeof mentioned.id !== 'string' || typeof mentioned.name !== 'string') {
					errors.push(`msteams.entities[${i}] is not a mention {type:"mention", text:"<at>…</at>", mentioned:{id,name}}`);
				}
			}
	}
}

/** A copy of the card in the form the schema understands, with Teams quirks checked and removed. */
function schemaView(node: unknown, errors: string[]): unknown {
	if (Array.isArray(node)) return node.map((n) => schemaView(n, errors));
	if (!node || typeof node !== 'object') return node;
	const out: Json = {};
	for (const [key, value] of Object.entries(node as Json)) {
		if (key === 'msteams') {
			checkMsteams(value, errors);
			continue;
		}
		if (key === 'firstRowAsHeaders') {
			out.firstRowAsHeader = value;
			continue;
		}
		out[key] = schemaView(value, errors);
	}
	return out;
}

function versionNumber(version: unknown): number {
	if (typeof version !== 'string') return 0;
	const [major, minor] = version.split('.').map(Number);
	return major * 100 + (minor || 0);
}

/** Properties of a definition with their `version`, following allOf references. */
function propertyVersions(schema: Json, name: string, seen = new Set<string>()): Map<string, number> {
	const result = new Map<string, number>();
	if (seen.has(name)) return result;
	seen.add(name);
	const def = (schema.definitions as Record<string, Json>)[name];
	if (!def) return result;
	for (const [prop, spec] of Object.entries((def.properties as Record<string, Json>) ?? {})) {
		result.set(prop, versionNumber((spec as Json | undefined)?.version));
	}
	for (const part of (def.allOf as Json[]) ?? []) {
		const ref = typeof part.$ref === 'string' ? part.$ref.replace('#/definitions/', '') : null;
		if (ref) for (const [prop, v] of propertyVersions(schema, ref, seen)) if (!result.has(prop)) result.set(prop, v);
	}
	return result;
}

/** Elements or properties newer than the card's declared version. */
function newerThanDeclared(card: Json, schema: Json): string[] {
	const declared = versionNumber(card.version);
	const problems: string[] = [];
	const definitions = schema.definitions as Record<string, Json>;
	const walk = (node: unknown, where: string): void => {
		if (Array.isArray(node)) return node.forEach((n, i) => walk(n, `${where}[${i}]`));
		if (!node || typeof node !== 'object') return;
		const obj = node as Json;
		const type = typeof obj.type === 'string' ? obj.type : null;
		if (type && definitions[type]) {
			const own = versionNumber(definitions[type].version);
			if (own > declared) problems.push(`${where} is a ${type}, new in ${definitions[type].version}`);
			const versions = propertyVersions(schema, type);
			for (const key of Object.keys(obj)) {
				const v = versions.get(key) ?? 0;
				if (v > declared) problems.push(`${where}.${key} of ${type} is new in ${v / 100}`);
			}
		}
		for (const [key, value] of Object.entries(obj)) if (key !== 'msteams') walk(value, `${where}.${key}`);
	};
	walk(card, 'card');
	return problems;
}

/** Checks one Adaptive Card (the `content` of an attachment). */
export function checkAdaptiveCard(card: unknown): CardCheck {
	const { validate, schema } = compiled();
	const errors: string[] = [];
	const view = schemaView(card, errors);
	if (!validate(view)) {
		for (const e of validate.errors ?? []) errors.push(`${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
	}
	if (card && typeof card === 'object') errors.push(...newerThanDeclared(card as Json, schema));
	return { valid: errors.length === 0, errors };
}

/** Checks a Workflows message envelope and every card in it. */
export function checkWorkflowsMessage(payload: unknown): CardCheck {
	const errors: string[] = [];
	const message = payload as Json;
	if (!message || message.type !== 'message' || !Array.isArray(message.attachments) || message.attachments.length === 0) {
		return { valid: false, errors: ['not a {type:"message", attachments:[...]} envelope'] };
	}
	for (const [i, a] of (message.attachments as Json[]).entries()) {
		if (a.contentType !== 'application/vnd.microsoft.card.adaptive') errors.push(`attachments[${i}].contentType is ${String(a.contentType)}`);
		const check = checkAdaptiveCard(a.content);
		errors.push(...check.errors.map((e) => `attachments[${i}]: ${e}`));
	}
	return { valid: errors.length === 0, errors };
}
