import type { Icon, ICredentialType, INodeProperties } from 'n8n-workflow';

/**
 * The key that signs the Acknowledge / Retry / Mute links on Teams cards (HMAC-SHA256) and checks
 * them when they come back to the action webhook. Only n8n needs it: no other system shares it.
 * It never appears in a link, an error, an output item or a stored row; replacing it makes every
 * link already sent invalid (403).
 */
export class PipelineMonitorActionKeyApi implements ICredentialType {
	name = 'pipelineMonitorActionKeyApi';

	displayName = 'Pipeline Monitor Action Key API';

	icon: Icon = { light: 'file:actionKey.svg', dark: 'file:actionKey.dark.svg' };

	documentationUrl = 'https://github.com/pipeline-monitor/n8n-nodes-pipeline-monitor/blob/main/docs/Actions.md#the-key';

	properties: INodeProperties[] = [
		// eslint-disable-next-line @n8n/community-nodes/credential-unnecessary-password -- the signing key is the secret that makes the links unforgeable
		{
			displayName: 'Signing Key',
			name: 'key',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			placeholder: 'output of: openssl rand -base64 48',
			description: 'A random string of at least 32 characters. Changing it invalidates every action link already on a card.',
		},
	];
}
