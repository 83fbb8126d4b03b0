import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import * as buildHistory from './buildHistory.operation';
import * as readRequest from './readRequest.operation';
import * as renderPage from './renderPage.operation';

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const operation = this.getNodeParameter('operation', 0) as string;
	if (operation === 'readRequest') return await readRequest.execute.call(this);
	if (operation === 'renderPage') return await renderPage.execute.call(this);
	if (operation === 'buildHistory') return await buildHistory.execute.call(this);
	throw new NodeOperationError(this.getNode(), `The operation "${operation}" is not known`, { description: 'Choose "Read Request", "Render Page" or "Build History Days".' });
}
