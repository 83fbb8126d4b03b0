import type { INodeProperties } from 'n8n-workflow';

const SENDABLE = { format: ['adaptiveCard', 'messageCard'] };

export const properties: INodeProperties[] = [
	{
		displayName: 'Format',
		name: 'format',
		type: 'options',
		default: 'adaptiveCard',
		options: [
			{ name: 'Adaptive Card (Teams Workflows)', value: 'adaptiveCard', description: 'Adaptive Card 1.4 in the message envelope Teams Workflows webhooks accept' },
			{ name: 'MessageCard (Legacy, Retired Connectors)', value: 'messageCard', description: 'Legacy Office 365 connector card. Microsoft retired connectors in 2025–26 and Workflows webhooks do not run its buttons: use Adaptive Card.' },
			{ name: 'HTML Table', value: 'html', description: "For n8n's Microsoft Teams node (Graph), e-mail" },
			{ name: 'Markdown Table', value: 'markdown', description: 'For Slack, chat, tickets' },
		],
	},
	{
		displayName: 'Send to Teams',
		name: 'send',
		type: 'boolean',
		default: false,
		displayOptions: { show: SENDABLE },
		description: 'Whether to POST each message to the webhook of the credential; otherwise the node only outputs the messages',
	},
	{
		displayName: 'Title',
		name: 'title',
		type: 'string',
		default: '',
		placeholder: 'Pipeline report',
		description: 'Leave empty for "Pipeline report" / "파이프라인 현황"',
	},
	{
		displayName: 'Language',
		name: 'language',
		type: 'options',
		default: 'en',
		options: [
			{ name: 'English', value: 'en' },
			{ name: 'Korean (한국어)', value: 'ko' },
		],
		description: 'Language of the labels, headers and counts',
	},
	{
		displayName: 'Time Zone',
		name: 'timezone',
		type: 'string',
		default: 'Asia/Seoul',
		description: 'IANA time zone of the timestamp and the date cells, e.g. Asia/Seoul, UTC, Europe/Berlin',
	},
	{
		displayName: 'Columns',
		name: 'columns',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true, sortable: true },
		default: {},
		placeholder: 'Add Column',
		description: 'Columns in this order; leave empty for the defaults of the item shape (light, row count, run, summary)',
		options: [
			{
				displayName: 'Column',
				name: 'column',
				values: [
					{ displayName: 'Field', name: 'field', type: 'string', default: '', placeholder: 'lastRun.state', description: 'Dot path of the value in the item; for a range, two paths separated by a comma' },
					{ displayName: 'Label', name: 'label', type: 'string', default: '', description: 'Header text. Empty: the word for the field in the card\'s language (else the field name). A catalogue word such as "Summary" or "요약" is shown in the card\'s language.' },
					{
						displayName: 'Kind',
						name: 'kind',
						type: 'options',
						default: 'auto',
						options: [
							{ name: 'Auto', value: 'auto' },
							{ name: 'Change (Signed Number)', value: 'delta' },
							{ name: 'Date-Time', value: 'date' },
							{ name: 'Duration (Seconds)', value: 'duration' },
							{ name: 'Link', value: 'link' },
							{ name: 'Number', value: 'number' },
							{ name: 'Range (Two Fields)', value: 'range' },
							{ name: 'Status Light', value: 'status' },
							{ name: 'Text', value: 'text' },
							{ name: 'Trend (Sparkline)', value: 'trend' },
						],
					},
				],
			},
		],
	},
	{
		displayName: 'When Too Large',
		name: 'overflow',
		type: 'options',
		default: 'split',
		options: [
			{ name: 'Split Into Numbered Parts', value: 'split', description: 'Several messages titled 1/3, 2/3, 3/3' },
			{ name: 'Truncate With "And N More"', value: 'truncate', description: 'One message; the rows that do not fit are counted, with the report link' },
		],
		description: 'What to do when the rows do not fit into one Teams message',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Channel',
				name: 'channel',
				type: 'string',
				default: '',
				placeholder: 'operations',
				displayOptions: { show: { '/send': [true] } },
				description:
					"Name of one channel from the credential's Channels for all items (used when Route by Field is empty), e.g. the operations channel. Empty: the default webhook. An unknown name goes to the default webhook, and the card and the items say so.",
			},
			{ displayName: 'Full Width', name: 'fullWidth', type: 'boolean', default: true, description: 'Whether the Adaptive Card asks Teams for the full width of the channel' },
			{
				displayName: 'Layout',
				name: 'layout',
				type: 'options',
				default: 'table',
				displayOptions: { show: { '/format': ['adaptiveCard'] } },
				options: [
					{ name: 'Table', value: 'table', description: 'A column per field, for desktop channels' },
					{ name: 'Compact (Phones)', value: 'compact', description: 'Per row the light, the name and a one-line reason; other fields in one line that wraps between fields' },
				],
				description: 'How rows are laid out in the Adaptive Card',
			},
			{
				displayName: 'Links Field',
				name: 'linksField',
				type: 'string',
				default: 'links',
				displayOptions: { show: { '/format': ['adaptiveCard', 'messageCard'] } },
				description:
					'Field of each item with its buttons, a list of title and link pairs (the Action Links node makes it: Runbook, Log, Status page, Acknowledge, Retry, Mute). At most 6 per row; a URL that is not http(s) is left out with a warning in the card footer and the output.',
			},
			{ displayName: 'Max Cell Length', name: 'maxCellChars', type: 'number', default: 300, description: 'Longer cells are cut with an ellipsis' },
			{ displayName: 'Max Message Size (Bytes)', name: 'maxBytes', type: 'number', default: 24576, description: 'UTF-8 bytes of the whole POST body; Teams rejects more than 28 KB (28672)' },
			{ displayName: 'Max Parts', name: 'maxParts', type: 'number', default: 10, description: 'At most this many messages; the rest is counted as "and N more" (0 = no limit)' },
			{ displayName: 'Max Retries', name: 'maxRetries', type: 'number', default: 3, displayOptions: { show: { '/send': [true] } }, description: 'Retries on 429, 5xx and connections that were never made, with backoff honouring Retry-After. A timeout is not retried: Teams may have posted the message already.' },
			{ displayName: 'Max Retry Wait (Seconds)', name: 'maxRetryWaitSec', type: 'number', default: 60, displayOptions: { show: { '/send': [true] } }, description: 'Longest wait before a retry. A Retry-After up to this is honoured in full; a longer one ends the tries for that part, with the wait Teams asked for in the error.' },
			{
				displayName: 'Mention Field',
				name: 'mentionField',
				type: 'string',
				default: '',
				placeholder: 'owner',
				displayOptions: { show: { '/format': ['adaptiveCard'] } },
				description:
					'Dot path of a person to mention in each item: a user principal name (name@example.com), an Entra object ID, or {name, ID}. The people of the items in a message are mentioned in it (with Mention on Red: when a row is red). Other values are skipped with a warning.',
			},
			{
				displayName: 'Mention on Red',
				name: 'mentions',
				type: 'fixedCollection',
				typeOptions: { multipleValues: true },
				default: {},
				description: 'People mentioned in the Adaptive Card when at least one row is red',
				options: [
					{
						displayName: 'Person',
						name: 'person',
						values: [
							{ displayName: 'Name', name: 'name', type: 'string', default: '' },
							{ displayName: 'User ID or Email', name: 'id', type: 'string', default: '', placeholder: 'name@example.com', description: 'Microsoft Entra object ID or user principal name' },
						],
					},
				],
			},
			{ displayName: 'Report Link', name: 'reportUrl', type: 'string', default: '', placeholder: 'https://status.example.com/', description: 'A button on every message and the link of "and N more", e.g. the status page' },
			{
				displayName: 'Route by Field',
				name: 'routeByField',
				type: 'string',
				default: '',
				placeholder: 'teamsChannel',
				displayOptions: { show: { '/send': [true] } },
				description:
					"Dot path of a channel name in each item. Items are grouped by it and each group is posted to that channel's webhook from the credential's Channels; an empty or unknown name goes to the default webhook, and the card and the items say so.",
			},
			{ displayName: 'Subtitle', name: 'subtitle', type: 'string', default: '' },
			{
				displayName: 'When Empty',
				name: 'whenEmpty',
				type: 'options',
				default: 'error',
				options: [
					{ name: 'Fail With an Error', value: 'error' },
					{ name: 'Send an Empty Report', value: 'report' },
					{ name: 'Output Nothing', value: 'skip' },
				],
				description: 'What to do when the items hold nothing to report',
			},
		],
	},
];
