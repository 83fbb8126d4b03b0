import { NodeOperationError, type ILoadOptionsFunctions, type INodeListSearchResult } from 'n8n-workflow';
import { createOpenAiClient, listModelIds } from '../../logic/summarizer/openaiClient';
import { connectionFromCredential } from '../transport';

/** Models the server lists (GET /models), filtered by the typed text; free text stays possible in the "ID" mode. */
export async function searchModels(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const credential = await this.getCredentials('pipelineMonitorOpenAiApi');
	const settings = connectionFromCredential(credential, 15_000, 0);
	let ids: string[];
	try {
		ids = await listModelIds(createOpenAiClient(settings), settings);
	} catch (error) {
		throw new NodeOperationError(this.getNode(), `Could not list models: ${(error as Error).message}`, {
			description: 'Type the model name in the "By ID" mode instead, or check the credential.',
		});
	}
	const wanted = (filter ?? '').toLowerCase();
	return { results: ids.filter((id) => id.toLowerCase().includes(wanted)).map((id) => ({ name: id, value: id })) };
}
