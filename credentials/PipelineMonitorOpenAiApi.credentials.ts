import type { IAuthenticateGeneric, Icon, ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';

/**
 * An OpenAI-compatible chat completions server: OpenAI itself, Azure OpenAI, Ollama, vLLM,
 * LiteLLM or any server that speaks the same API. Named apart from n8n's own `openAiApi`.
 */
export class PipelineMonitorOpenAiApi implements ICredentialType {
	name = 'pipelineMonitorOpenAiApi';

	displayName = 'Pipeline Monitor OpenAI-Compatible API';

	documentationUrl = 'https://github.com/pipeline-monitor/n8n-nodes-pipeline-monitor/blob/main/docs/LogSummarizer.md#credential';

	icon: Icon = { light: 'file:pipelineMonitorOpenAiApi.svg', dark: 'file:pipelineMonitorOpenAiApi.dark.svg' };

	properties: INodeProperties[] = [
		{
			displayName: 'Provider',
			name: 'provider',
			type: 'options',
			options: [
				{ name: 'OpenAI or OpenAI-Compatible (Ollama, vLLM, LiteLLM)', value: 'openai' },
				{ name: 'Azure OpenAI', value: 'azure' },
			],
			default: 'openai',
		},
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: 'The API key. Local servers such as Ollama accept any value.',
		},
		{
			displayName: 'Base URL',
			name: 'url',
			type: 'string',
			default: 'https://api.openai.com/v1',
			placeholder: 'http://localhost:11434/v1',
			description: 'The API base URL, ending before /chat/completions: https://api.openai.com/v1, http://localhost:11434/v1 (Ollama), http://vllm:8000/v1 (vLLM)',
			displayOptions: { show: { provider: ['openai'] } },
		},
		{
			displayName: 'Organization ID',
			name: 'organization',
			type: 'string',
			default: '',
			description: 'Only for OpenAI accounts in several organizations',
			displayOptions: { show: { provider: ['openai'] } },
		},
		{
			displayName: 'Azure Endpoint',
			name: 'azureEndpoint',
			type: 'string',
			default: '',
			placeholder: 'https://my-resource.openai.azure.com',
			description: 'The endpoint of the Azure OpenAI resource (without /openai)',
			displayOptions: { show: { provider: ['azure'] } },
		},
		{
			displayName: 'API Version',
			name: 'apiVersion',
			type: 'string',
			default: '2024-10-21',
			description: 'The Azure OpenAI api-version; structured outputs need 2024-08-01-preview or later',
			displayOptions: { show: { provider: ['azure'] } },
		},
		{
			displayName: 'Deployment',
			name: 'deployment',
			type: 'string',
			default: '',
			description: 'The deployment to use; leave empty to give the deployment name as the model in the node',
			displayOptions: { show: { provider: ['azure'] } },
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				Authorization: '={{$credentials.provider === "azure" ? undefined : "Bearer " + $credentials.apiKey}}',
				'api-key': '={{$credentials.provider === "azure" ? $credentials.apiKey : undefined}}',
			},
		},
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL:
				'={{$credentials.provider === "azure" ? String($credentials.azureEndpoint).replace(/\\/+$/, "") + "/openai" : String($credentials.url).replace(/\\/+$/, "")}}',
			url: '={{$credentials.provider === "azure" ? "/models?api-version=" + $credentials.apiVersion : "/models"}}',
		},
	};
}
