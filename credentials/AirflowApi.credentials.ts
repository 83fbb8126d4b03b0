import type { Icon, ICredentialType, INodeProperties } from 'n8n-workflow';

/**
 * Access to one Airflow webserver / api-server: Airflow 2 (/api/v1) or Airflow 3 (/api/v2).
 * Tested by the Airflow node (testedBy), which checks reachability, the API version and that the
 * credentials are accepted, and says which of the three failed.
 */
export class AirflowApi implements ICredentialType {
	name = 'airflowApi';

	displayName = 'Airflow API';

	icon: Icon = { light: 'file:airflow.svg', dark: 'file:airflow.dark.svg' };

	documentationUrl = 'https://github.com/pipeline-monitor/n8n-nodes-pipeline-monitor/blob/main/docs/Airflow.md#credential';

	properties: INodeProperties[] = [
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'https://airflow.example.com',
			description: 'Address of the Airflow webserver (Airflow 2) or api-server (Airflow 3), with its path prefix if any, without /api/v1',
		},
		{
			displayName: 'API Version',
			name: 'apiVersion',
			type: 'options',
			default: 'auto',
			options: [
				{ name: 'Detect Automatically', value: 'auto', description: 'Tries /api/v2 then /api/v1 once per execution' },
				{ name: 'Airflow 2 (/api/v1)', value: 'v1' },
				{ name: 'Airflow 3 (/api/v2)', value: 'v2' },
			],
		},
		{
			displayName: 'Authentication',
			name: 'authType',
			type: 'options',
			default: 'basic',
			options: [
				{ name: 'Username/Password (Airflow 2 Basic Auth)', value: 'basic', description: 'Needs [api] auth_backends to include airflow.api.auth.backend.basic_auth' },
				{ name: 'Username/Password (Airflow 3 Token)', value: 'token', description: 'Exchanged for a JWT at POST /auth/token, reused during the execution and renewed on 401' },
				{ name: 'Bearer Token', value: 'bearer', description: 'Astronomer, MWAA/Composer or any proxy that takes a token' },
				{ name: 'None', value: 'none' },
			],
		},
		{
			displayName: 'Username',
			name: 'username',
			type: 'string',
			default: '',
			displayOptions: { show: { authType: ['basic', 'token'] } },
		},
		{
			displayName: 'Password',
			name: 'password',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			displayOptions: { show: { authType: ['basic', 'token'] } },
		},
		{
			displayName: 'Token',
			name: 'token',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			displayOptions: { show: { authType: ['bearer'] } },
		},
		{
			displayName: 'UI Base URL',
			name: 'uiBaseUrl',
			type: 'string',
			default: '',
			placeholder: 'https://airflow-ui.example.com',
			description: 'Where people open the Airflow UI, when it is not the Base URL; used for the links in run items',
		},
		{
			displayName: 'Allow Self-Signed Certificates',
			name: 'allowSelfSigned',
			type: 'boolean',
			default: false,
			description: 'Whether to connect even if the TLS certificate cannot be verified',
		},
	];
}
