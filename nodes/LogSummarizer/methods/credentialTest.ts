import type { ICredentialsDecrypted, ICredentialTestFunctions, INodeCredentialTestResult } from 'n8n-workflow';
import { createOpenAiClient, listModelIds } from '../../logic/summarizer/openaiClient';
import { InputError } from '../../logic/shared/errors';
import { connectionFromCredential } from '../transport';

/** What to check for a failed credential test, by the kind of failure. */
function hintFor(kind: string, azure: boolean): string {
	if (kind === 'auth') return 'Check the API key' + (azure ? ' (the resource key, sent as api-key).' : '.');
	if (kind === 'connection' || kind === 'timeout') return 'Check the base URL and that the server is reachable from n8n.';
	if (kind === 'request') return azure ? 'Check the endpoint and the API version.' : 'Check the base URL: it usually ends in /v1.';
	return 'Check the base URL and the API key.';
}

/** Lists the server's models with the credential; says what to check when that fails. */
export async function pipelineMonitorOpenAiApiTest(this: ICredentialTestFunctions, credential: ICredentialsDecrypted): Promise<INodeCredentialTestResult> {
	const data = credential.data ?? {};
	const azure = data.provider === 'azure';
	try {
		const settings = connectionFromCredential(data, 15_000, 0);
		const ids = await listModelIds(createOpenAiClient(settings), settings);
		return { status: 'OK', message: `Connection successful: ${ids.length} model${ids.length === 1 ? '' : 's'} listed` };
	} catch (error) {
		if (error instanceof InputError) return { status: 'Error', message: `${error.message}. ${error.hint}` };
		const kind = (error as { kind?: string }).kind ?? 'other';
		return { status: 'Error', message: `${(error as Error).message}. ${hintFor(kind, azure)}` };
	}
}
