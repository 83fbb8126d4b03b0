#!/usr/bin/env node
// The checks of n8n's community-package scanner (@n8n/scan-community-package), run here before
// publishing: the rules it lints with (n8n's community-node rules in their n8n Cloud variant, the
// n8n-nodes-base rule sets, no-console), inline eslint-disable comments ignored as the scanner
// ignores them, on the two things it reads: the packed tarball's JavaScript and package.json, and
// the sources (package.json, nodes/, credentials/). Waivers are by rule name, each with its reason
// (README, "Lint waivers"). Exits 1 on any other finding.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { defineConfig } from 'eslint/config';
import tsParser from '@typescript-eslint/parser';
import n8nNodesBase from 'eslint-plugin-n8n-nodes-base';
import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';

/** Waived findings: rule name, the files it is waived in, and why. */
export const WAIVERS = [
	{
		rule: '@n8n/community-nodes/no-runtime-dependencies',
		files: /^package\.json$/,
		why: 'the package depends at run time on luxon, cron-parser, axios and openai by design; it is for self-hosted n8n, not the n8n Cloud verified list',
	},
	{
		rule: '@n8n/community-nodes/no-restricted-imports',
		files: /^(dist\/)?nodes\/logic\//,
		why: 'n8n Cloud allows no import but n8n-workflow; the logic modules import the runtime dependencies and node:http(s) / node:timers (proxy-aware agents, backoff) and the package is for self-hosted n8n',
	},
	{
		rule: '@n8n/community-nodes/require-node-api-error',
		files: /^nodes\/logic\//,
		why: 'logic modules are free of n8n by design and throw their own errors, which the node adapters turn into NodeApiError / NodeOperationError',
	},
	{
		rule: '@n8n/community-nodes/no-restricted-globals',
		files: /^(dist\/)?nodes\/logic\/summarizer\/proxyFetch\.(ts|js)$/,
		why: 'the model client reads HTTP_PROXY / HTTPS_PROXY / NO_PROXY from process.env, as axios does for the other HTTP calls, so it works behind a corporate proxy',
	},
	{
		rule: '@n8n/community-nodes/node-usable-as-tool',
		files: /^nodes\/StatusPage\//,
		why: 'the status page node renders an HTML page for a webhook answer; as an AI-agent tool it has nothing to offer',
	},
	{
		rule: '@n8n/community-nodes/no-credential-reuse',
		files: /^(dist\/)?nodes\/PipelineWebhook\//,
		why: "the webhook node checks inbound secrets against n8n's own Header Auth and Basic Auth credentials, as n8n's Webhook node does with the same types; it sends them nowhere, and installed monitors keep their secrets",
	},
	{
		rule: '@n8n/community-nodes/valid-credential-references',
		files: /^(dist\/)?nodes\/PipelineWebhook\//,
		why: "the same credentials: n8n's own Header Auth and Basic Auth types, defined by n8n, not by this package",
	},
	{
		rule: '@n8n/community-nodes/webhook-lifecycle-complete',
		files: /^(dist\/)?nodes\/PipelineWebhook\//,
		why: "the webhook is n8n's own endpoint (like n8n's Webhook node): there is no third-party service to register it with",
	},
];

export const waiverOf = (finding) => WAIVERS.find((w) => w.rule === finding.rule && w.files.test(finding.file));

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function scanConfig() {
	return defineConfig(
		n8nCommunityNodesPlugin.configs.recommended,
		{ rules: { 'no-console': 'error' } },
		{ plugins: { 'n8n-nodes-base': n8nNodesBase } },
		{ files: ['package.json'], rules: { ...n8nNodesBase.configs.community.rules } },
		{
			files: ['**/credentials/**/*.ts'],
			rules: {
				...n8nNodesBase.configs.credentials.rules,
				'n8n-nodes-base/cred-class-field-documentation-url-miscased': 'off',
				'n8n-nodes-base/cred-class-field-type-options-password-missing': 'off',
			},
		},
		{
			files: ['**/nodes/**/*.ts'],
			rules: {
				...n8nNodesBase.configs.nodes.rules,
				'n8n-nodes-base/node-class-description-inputs-wrong-regular-node': 'off',
				'n8n-nodes-base/node-class-description-outputs-wrong': 'off',
				'n8n-nodes-base/node-param-type-options-max-value-present': 'off',
			},
		},
		{ files: ['**/*.json', '**/*.ts'], languageOptions: { parser: tsParser } },
	);
}

async function lint(dir, files) {
	const eslint = new ESLint({ cwd: dir, allowInlineConfig: false, overrideConfigFile: true, overrideConfig: scanConfig() });
	const results = await eslint.lintFiles(files.map((f) => path.join(dir, f)));
	return results.flatMap((r) =>
		r.messages.filter((m) => m.severity === 2).map((m) => ({ file: path.relative(dir, r.filePath), line: m.line, rule: m.ruleId ?? '(parse)', message: m.message })),
	);
}

/** Packs the package as npm would publish it and scans tarball and sources; returns the findings. */
export async function scanPackage() {
	const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pm-scan-'));
	try {
		const pack = spawnSync('npm', ['pack', '--silent', '--pack-destination', tmp], { cwd: root, encoding: 'utf8' });
		if (pack.status !== 0) throw new Error(`npm pack failed: ${pack.stderr}`);
		const tarball = path.join(tmp, pack.stdout.trim().split('\n').pop());
		const unpacked = path.join(tmp, 'package');
		fs.mkdirSync(unpacked);
		const tar = spawnSync('tar', ['-xzf', tarball, '-C', unpacked, '--strip-components=1']);
		if (tar.status !== 0) throw new Error(`tar could not unpack ${tarball}`);
		const shippedJs = fs.readdirSync(unpacked, { recursive: true }).filter((f) => f.endsWith('.js') && !f.includes('node_modules'));
		const sources = ['package.json', ...['nodes', 'credentials'].flatMap((d) => fs.readdirSync(path.join(root, d), { recursive: true }).map((f) => path.join(d, f)))].filter((f) =>
			/\.(js|ts|json)$/.test(f),
		);
		const findings = [
			...(await lint(unpacked, [...shippedJs, 'package.json'])).map((f) => ({ ...f, where: 'tarball' })),
			...(await lint(root, sources)).map((f) => ({ ...f, where: 'source' })),
		];
		return { shippedJs: shippedJs.length, sources: sources.length, findings };
	} finally {
		fs.rmSync(tmp, { recursive: true, force: true });
	}
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
	const { shippedJs, sources, findings } = await scanPackage();
	const waived = findings.filter((f) => waiverOf(f));
	const open = findings.filter((f) => !waiverOf(f));
	for (const f of open) console.log(`${f.where} ${f.file}:${f.line} ${f.rule} ${f.message}`);
	const counts = new Map();
	for (const f of waived) counts.set(f.rule, (counts.get(f.rule) ?? 0) + 1);
	const byRule = [...counts].map(([rule, n]) => `${rule} ×${n}`);
	console.log(`scanner rules: ${shippedJs} shipped .js files and ${sources} sources, ${open.length} findings${waived.length ? `; waived by name: ${byRule.join(', ')}` : ''}`);
	process.exit(open.length ? 1 : 0);
}
