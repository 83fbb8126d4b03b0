/**
 * Checks requests and responses against the official Airflow OpenAPI files in
 * test/fixtures/reference/airflow (OpenAPI 3.0 for /api/v1, 3.1 for /api/v2). The simulator calls
 * `checkRequest` for every request it receives and `checkResponse` for every JSON body it sends;
 * every problem is returned as a text so the simulator can record it and a test can fail on it.
 */
import fs from 'node:fs';
import Ajv, { type ValidateFunction } from 'ajv';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import YAML from 'yaml';
import { referenceFile } from '../reference';

export type ApiVersion = 'v1' | 'v2';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type JsonObject = { [k: string]: Json };

interface Param {
	name: string;
	in: string;
	required: boolean;
	schema: JsonObject;
}

interface Operation {
	method: string;
	template: string;
	regex: RegExp;
	names: string[];
	literalSegments: number;
	params: Param[];
	body?: ValidateFunction;
	bodyRequired: boolean;
	query?: ValidateFunction;
	pathParams?: ValidateFunction;
	responses: Map<string, Map<string, ValidateFunction | null>>;
}

const SPEC_FILES: Record<ApiVersion, string> = {
	v1: 'airflow-2.10-v1.yaml',
	v2: 'airflow-3.2-v2.yaml',
};

/** OpenAPI 3.0 `nullable: true` → JSON Schema anyOf null (ajv refuses nullable without type). */
function convertNullable(node: Json): Json {
	if (Array.isArray(node)) return node.map(convertNullable);
	if (node === null || typeof node !== 'object') return node;
	const out: JsonObject = {};
	for (const [k, v] of Object.entries(node)) out[k] = convertNullable(v);
	if (out.nullable === true) {
		delete out.nullable;
		const { description: _d, readOnly: _r, ...rest } = out;
		return { anyOf: [rest, { type: 'null' }] };
	}
	return out;
}

function deref(spec: JsonObject, node: Json): Json {
	if (node && typeof node === 'object' && !Array.isArray(node) && typeof node.$ref === 'string') {
		const parts = node.$ref.replace(/^#\//, '').split('/');
		let cur: Json = spec;
		for (const p of parts) cur = (cur as JsonObject)[p.replace(/~1/g, '/').replace(/~0/g, '~')];
		return deref(spec, cur);
	}
	return node;
}

/** Rewrites local refs so compiled sub-schemas resolve them in the registered spec document. */
function rebaseRefs(node: Json, id: string): Json {
	if (Array.isArray(node)) return node.map((n) => rebaseRefs(n, id));
	if (node === null || typeof node !== 'object') return node;
	const out: JsonObject = {};
	for (const [k, v] of Object.entries(node)) {
		out[k] = k === '$ref' && typeof v === 'string' && v.startsWith('#') ? `${id}${v}` : rebaseRefs(v, id);
	}
	return out;
}

export class SpecValidator {
	readonly version: ApiVersion;
	readonly prefix: string;
	private readonly operations: Operation[] = [];

	constructor(version: ApiVersion) {
		this.version = version;
		const raw = YAML.parse(fs.readFileSync(referenceFile('airflow', SPEC_FILES[version]), 'utf8')) as JsonObject;
		const spec = (version === 'v1' ? convertNullable(raw) : raw) as JsonObject;
		const ajv =
			version === 'v1'
				? new Ajv({ strict: false, allErrors: false, logger: false, coerceTypes: false })
				: new Ajv2020({ strict: false, allErrors: false, logger: false, coerceTypes: false });
		addFormats(ajv);
		ajv.addFormat('datetime', true);
		ajv.addFormat('path', true);
		const id = `airflow-${version}.json`;
		ajv.addSchema({ $id: id, components: spec.components } as object, id);
		const coercing =
			version === 'v1'
				? new Ajv({ strict: false, logger: false, coerceTypes: 'array' })
				: new Ajv2020({ strict: false, logger: false, coerceTypes: 'array' });
		addFormats(coercing);
		coercing.addFormat('datetime', true);
		coercing.addSchema({ $id: id, components: spec.components } as object, id);
		this.prefix = version === 'v1' ? '/api/v1' : '';
		const compile = (schema: Json, withCoercion = false): ValidateFunction =>
			(withCoercion ? coercing : ajv).compile(rebaseRefs(schema, id) as object);

		for (const [template, item] of Object.entries(spec.paths as JsonObject)) {
			const pathItem = item as JsonObject;
			const shared = ((pathItem.parameters as Json[]) ?? []).map((p) => deref(spec, p) as JsonObject);
			for (const method of ['get', 'post', 'patch', 'put', 'delete']) {
				const op = pathItem[method] as JsonObject | undefined;
				if (!op) continue;
				const own = ((op.parameters as Json[]) ?? []).map((p) => deref(spec, p) as JsonObject);
				const byKey = new Map<string, JsonObject>();
				for (const p of [...shared, ...own]) byKey.set(`${p.in}:${p.name}`, p);
				const params: Param[] = [...byKey.values()].map((p) => ({
					name: String(p.name),
					in: String(p.in),
					required: p.required === true,
					schema: (p.schema as JsonObject) ?? {},
				}));
				const names: string[] = [];
				const full = this.prefix + template;
				const regex = new RegExp(
					'^' +
						full
							.split('/')
							.map((seg) => {
								const m = /^\{(.+)\}$/.exec(seg);
								if (m) {
									names.push(m[1]);
									return '([^/]+)';
								}
								return seg.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
							})
							.join('/') +
						'$',
				);
				const literalSegments = full.split('/').filter((s) => s && !s.startsWith('{')).length;
				const querySchema = (inKind: string): ValidateFunction | undefined => {
					const ps = params.filter((p) => p.in === inKind);
					if (!ps.length) return undefined;
					const properties: JsonObject = {};
					for (const p of ps) properties[p.name] = p.schema;
					return compile(
						{ type: 'object', properties, required: ps.filter((p) => p.required).map((p) => p.name) },
						true,
					);
				};
				const requestBody = deref(spec, op.requestBody ?? null) as JsonObject | null;
				const bodySchema = requestBody
					? ((requestBody.content as JsonObject)?.['application/json'] as JsonObject | undefined)?.schema
					: undefined;
				const responses = new Map<string, Map<string, ValidateFunction | null>>();
				for (const [status, resp] of Object.entries((op.responses as JsonObject) ?? {})) {
					const r = deref(spec, resp) as JsonObject;
					const byType = new Map<string, ValidateFunction | null>();
					for (const [ctype, media] of Object.entries((r.content as JsonObject) ?? {})) {
						const schema = (media as JsonObject).schema;
						byType.set(ctype, schema && ctype.includes('json') ? compile(schema) : null);
					}
					responses.set(status, byType);
				}
				this.operations.push({
					method: method.toUpperCase(),
					template: full,
					regex,
					names,
					literalSegments,
					params,
					body: bodySchema ? compile(bodySchema) : undefined,
					bodyRequired: requestBody?.required === true,
					query: querySchema('query'),
					pathParams: querySchema('path'),
					responses,
				});
			}
		}
		this.operations.sort((a, b) => b.literalSegments - a.literalSegments);
	}

	/** The operation for a method and path (without query), preferring literal segments. */
	find(method: string, pathname: string): { op: Operation; params: Record<string, string> } | null {
		for (const op of this.operations) {
			if (op.method !== method) continue;
			const m = op.regex.exec(pathname);
			if (!m) continue;
			const params: Record<string, string> = {};
			op.names.forEach((n, i) => (params[n] = decodeURIComponent(m[i + 1])));
			return { op, params };
		}
		return null;
	}

	/** Problems with a request; an empty list when it conforms. */
	checkRequest(method: string, pathname: string, query: URLSearchParams, body: unknown, hasBody: boolean): string[] {
		const found = this.find(method, pathname);
		if (!found) return [`${method} ${pathname}: no such operation in the ${this.version} spec`];
		const { op, params } = found;
		const problems: string[] = [];
		const where = `${method} ${op.template}`;
		if (op.pathParams && !op.pathParams(params)) problems.push(`${where} path: ${this.describe(op.pathParams)}`);
		const known = new Set(op.params.filter((p) => p.in === 'query').map((p) => p.name));
		const q: Record<string, string | string[]> = {};
		for (const key of new Set(query.keys())) {
			if (!known.has(key)) problems.push(`${where} query: unknown parameter "${key}"`);
			const all = query.getAll(key);
			const schema = op.params.find((p) => p.name === key)?.schema;
			q[key] = isArraySchema(schema) ? all : all[all.length - 1];
		}
		if (op.query && !op.query(q)) problems.push(`${where} query: ${this.describe(op.query)}`);
		if (op.body) {
			if (!hasBody) {
				if (op.bodyRequired) problems.push(`${where} body: required but missing`);
			} else if (!op.body(body)) problems.push(`${where} body: ${this.describe(op.body)}`);
		}
		return problems;
	}

	/** Problems with a response; `contentType` without parameters. */
	checkResponse(method: string, pathname: string, status: number, contentType: string, body: unknown): string[] {
		const found = this.find(method, pathname);
		if (!found) return [];
		const { op } = found;
		const where = `${method} ${op.template} -> ${status}`;
		const byType = op.responses.get(String(status)) ?? op.responses.get('default');
		if (!byType) return [`${where}: status not declared in the spec`];
		if (byType.size === 0) return [];
		if (!byType.has(contentType)) return [`${where}: content type ${contentType} not declared`];
		const validate = byType.get(contentType);
		if (validate && !validate(body)) return [`${where} body: ${this.describe(validate)}`];
		return [];
	}

	private describe(fn: ValidateFunction): string {
		return (fn.errors ?? [])
			.slice(0, 3)
			.map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${e.params ? JSON.stringify(e.params) : ''}`.trim())
			.join('; ');
	}
}

function isArraySchema(schema: JsonObject | undefined): boolean {
	if (!schema) return false;
	if (schema.type === 'array') return true;
	const anyOf = schema.anyOf as JsonObject[] | undefined;
	return Array.isArray(anyOf) && anyOf.some((s) => s.type === 'array');
}

const cache = new Map<ApiVersion, SpecValidator>();
/** One validator per version per process (compiling the specs takes a moment). */
export function specValidator(version: ApiVersion): SpecValidator {
	let v = cache.get(version);
	if (!v) {
		v = new SpecValidator(version);
		cache.set(version, v);
	}
	return v;
}
