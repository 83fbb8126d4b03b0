// n8n's own community-node rules: @n8n/eslint-plugin-community-nodes (the rules n8n's
// verification runs) and eslint-plugin-n8n-nodes-base (the starter's rules for nodes,
// credentials and package.json). Waivers are by rule name only; the README says why.
import tsParser from '@typescript-eslint/parser';
import n8nNodesBase from 'eslint-plugin-n8n-nodes-base';
import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';

const legacy = (name) => n8nNodesBase.configs[name].rules;

export default [
	{ ignores: ['dist/**', 'node_modules/**', 'test/**', 'bench/**', 'scripts/**', '*.js', '*.mjs'] },
	{
		files: ['**/*.ts'],
		languageOptions: { parser: tsParser, parserOptions: { sourceType: 'module' } },
	},
	{
		files: ['package.json'],
		languageOptions: { parser: tsParser, parserOptions: { extraFileExtensions: ['.json'] } },
		plugins: { 'n8n-nodes-base': n8nNodesBase },
		rules: legacy('community'),
	},
	{
		files: ['credentials/**/*.ts'],
		plugins: { 'n8n-nodes-base': n8nNodesBase },
		rules: legacy('credentials'),
	},
	{
		files: ['nodes/**/*.ts'],
		plugins: { 'n8n-nodes-base': n8nNodesBase },
		rules: {
			...legacy('nodes'),
			// Waived (README, "Lint waivers"): these two predate NodeConnectionTypes and multi-input
			// nodes; they demand the string literal ['main'] that the newer rule
			// @n8n/community-nodes/node-connection-type-literal forbids.
			'n8n-nodes-base/node-class-description-inputs-wrong-regular-node': 'off',
			'n8n-nodes-base/node-class-description-outputs-wrong': 'off',
		},
	},
	{
		files: ['nodes/**/*.ts', 'credentials/**/*.ts', 'package.json'],
		...n8nCommunityNodesPlugin.configs.recommendedWithoutN8nCloudSupport,
		rules: {
			...n8nCommunityNodesPlugin.configs.recommendedWithoutN8nCloudSupport.rules,
			// Waived by design (README, "Lint waivers"): the package depends at run time on
			// luxon, axios and openai, which the design names.
			'@n8n/community-nodes/no-runtime-dependencies': 'off',
		},
	},
	{
		// Logic modules are free of n8n by design (no n8n-workflow import): they throw their own
		// InputError, which the node adapters turn into NodeOperationError.
		files: ['nodes/logic/**/*.ts'],
		rules: {
			'@n8n/community-nodes/require-node-api-error': 'off',
			'n8n-nodes-base/node-execute-block-wrong-error-thrown': 'off',
		},
	},
];
