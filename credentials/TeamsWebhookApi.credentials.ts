import type { Icon, ICredentialType, INodeProperties } from 'n8n-workflow';

/**
 * The URL of a Teams incoming webhook: a Teams Workflows (Power Automate) "when a webhook
 * request is received" trigger, or a legacy Office 365 connector. The URL itself is the secret
 * (anyone who has it can post to the channel), so it is stored as a password field and never
 * shown in output or errors. It is tested by the Teams Table node (testedBy), which checks the
 * URL without posting anything to the channel.
 */
export class TeamsWebhookApi implements ICredentialType {
	name = 'teamsWebhookApi';

	displayName = 'Teams Webhook API';

	icon: Icon = { light: 'file:teamsWebhook.svg', dark: 'file:teamsWebhook.dark.svg' };

	documentationUrl = 'https://github.com/pipeline-monitor/n8n-nodes-pipeline-monitor/blob/main/docs/TeamsTable.md#credential';

	properties: INodeProperties[] = [
		// eslint-disable-next-line @n8n/community-nodes/credential-unnecessary-password -- the URL is the secret: its sig parameter lets anyone post to the channel
		{
			displayName: 'Webhook URL',
			name: 'webhookUrl',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			placeholder: 'https://….logic.azure.com:443/workflows/…/triggers/manual/paths/invoke?…&sig=…',
			description:
				'URL of the Teams Workflows webhook ("Post to a channel when a webhook request is received") or of a legacy Office 365 connector. Other hosts (a proxy) are allowed with a warning.',
		},
		// eslint-disable-next-line @n8n/community-nodes/credential-unnecessary-password -- every value is a webhook URL, each a secret like the one above
		{
			displayName: 'Channels',
			name: 'channels',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			placeholder: '{"data-eng": "https://…", "analytics": "https://…"}',
			description:
				'Optional: more channels as a JSON object of channel name to webhook URL, for the Teams Table option Route by Field. The Webhook URL above is the default channel: items whose channel is empty or not listed go there.',
		},
		{
			displayName: 'Endpoint Kind',
			name: 'kind',
			type: 'options',
			default: 'auto',
			options: [
				{ name: 'Detect From URL', value: 'auto', description: 'Connector URLs contain /webhookb2/ or /IncomingWebhook/; anything else is treated as Workflows' },
				{ name: 'Teams Workflows (Power Automate)', value: 'workflows', description: 'Any 2xx answer means accepted' },
				{ name: 'Legacy Office 365 Connector', value: 'connector', description: 'Only a body of "1" means delivered' },
			],
			description: 'How to read the answer of the endpoint; set it explicitly when a proxy hides the original URL',
		},
	];
}
