import type { ICredentialDataDecryptedObject } from 'n8n-workflow';
import type { ConnectionSettings } from '../../logic/summarizer/openaiClient';

/** Connection settings from the Pipeline Monitor OpenAI-Compatible API credential. */
export function connectionFromCredential(credential: ICredentialDataDecryptedObject, timeoutMs?: number, maxRetries?: number): ConnectionSettings {
	const apiKey = typeof credential.apiKey === 'string' ? credential.apiKey : '';
	const common = { apiKey, ...(timeoutMs !== undefined ? { timeoutMs } : {}), ...(maxRetries !== undefined ? { maxRetries } : {}) };
	if (credential.provider === 'azure') {
		return {
			...common,
			baseUrl: String(credential.azureEndpoint ?? ''),
			azure: { apiVersion: String(credential.apiVersion || '2024-10-21'), ...(credential.deployment ? { deployment: String(credential.deployment) } : {}) },
		};
	}
	return {
		...common,
		baseUrl: String(credential.url || 'https://api.openai.com/v1'),
		...(credential.organization ? { organization: String(credential.organization) } : {}),
	};
}
