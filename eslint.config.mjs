// The lint config of n8n's own tooling (`n8n-node lint` from @n8n/node-cli, the non-Cloud
// variant: this package has runtime dependencies by design), on the shipped folders. Waivers are
// by rule name only, each with its reason here and in the README ("Lint waivers").
import { configWithoutCloudSupport } from '@n8n/node-cli/eslint';

export default [
	{ ignores: ['dist/**', '.build/**', '.tmp/**', 'node_modules/**', 'test/**', 'bench/**', 'scripts/**', 'bin/**', '*.js', '*.mjs'] },
	...configWithoutCloudSupport,
	{
		files: ['**/*.ts'],
		rules: {
			// configured, not waived: `const { omitted: _x, ...rest } = o` is how the code drops a
			// field from an object; every other unused variable is still an error
			'@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true }],
		},
	},
	{
		files: ['package.json'],
		rules: {
			// the package depends at run time on luxon, cron-parser, axios and openai (named by the
			// design); it is not meant for n8n Cloud's verified list
			'@n8n/community-nodes/no-runtime-dependencies': 'off',
		},
	},
	{
		// Logic modules are free of n8n by design (no n8n-workflow import): they throw their own
		// InputError / AirflowApiError, which the node adapters turn into NodeOperationError / NodeApiError.
		files: ['nodes/logic/**/*.ts'],
		rules: {
			'@n8n/community-nodes/require-node-api-error': 'off',
			// the logic strips control characters from untrusted input (logs, callback bodies,
			// card text) on purpose: matching them is the point of those expressions
			'no-control-regex': 'off',
		},
	},
	{
		// The webhook node checks inbound secrets against n8n's own Header Auth and Basic Auth
		// credentials (as n8n's Webhook node does; installed monitors keep their secrets), and its
		// endpoint is n8n's own, with no third-party service to register it with
		files: ['nodes/PipelineWebhook/**/*.ts'],
		rules: {
			'@n8n/community-nodes/no-credential-reuse': 'off',
			'@n8n/community-nodes/valid-credential-references': 'off',
			'@n8n/community-nodes/webhook-lifecycle-complete': 'off',
		},
	},
];
