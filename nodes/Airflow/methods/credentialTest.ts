import type { ICredentialsDecrypted, ICredentialTestFunctions, INodeCredentialTestResult } from 'n8n-workflow';
import { AirflowApiError } from '../../logic/airflow/transport';
import { clientFrom, type AirflowCredentials } from '../transport';

/** Checks reachability (version probe) and that the credentials are accepted (one DAG list call). */
export async function airflowApiTest(this: ICredentialTestFunctions, credential: ICredentialsDecrypted): Promise<INodeCredentialTestResult> {
	const data = (credential.data ?? {}) as unknown as AirflowCredentials;
	let client;
	try {
		client = clientFrom(data, { retryBudgetMs: 5000, timeoutMs: 10_000 });
	} catch (e) {
		return { status: 'Error', message: e instanceof AirflowApiError ? `${e.airflowMessage}. ${e.hint}` : String(e) };
	}
	try {
		const version = await client.version();
		const dags = await client.listDags({ limit: 1 });
		return { status: 'OK', message: `Connected to Airflow ${version === 'v1' ? '2 (/api/v1)' : '3 (/api/v2)'}; ${dags.length ? 'DAGs are readable' : 'no DAGs visible to this user'}` };
	} catch (e) {
		if (e instanceof AirflowApiError) return { status: 'Error', message: `${e.airflowMessage}. ${e.hint}` };
		return { status: 'Error', message: e instanceof Error ? e.message : String(e) };
	} finally {
		client.close();
	}
}
