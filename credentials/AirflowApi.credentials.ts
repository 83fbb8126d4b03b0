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
				{ name: 'Bearer Token (Astronomer, Proxies)', value: 'bearer', description: 'Astronomer: a Deployment API token; or any proxy that takes a bearer token. Not for MWAA or Composer (their tokens expire within an hour: choose their own entries).' },
				{ name: 'Amazon MWAA: Web Login Token (Airflow 2)', value: 'mwaaWebLogin', description: 'CreateWebLoginToken (SigV4) then the web server\'s session cookie; Base URL = the environment\'s Airflow UI address' },
				{ name: 'Amazon MWAA: InvokeRestApi (SigV4)', value: 'mwaaInvoke', description: 'Every call goes through the MWAA API (airflow:InvokeRestApi); the web server need not be reachable from n8n' },
				{ name: 'Google Cloud Composer: Service Account Key', value: 'googleServiceAccount', description: 'The JSON key is exchanged for OAuth2 access tokens (renewed before they expire); Base URL = the environment\'s Airflow web server URL' },
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
			displayName: 'AWS Region',
			name: 'awsRegion',
			type: 'string',
			default: '',
			placeholder: 'ap-northeast-2',
			displayOptions: { show: { authType: ['mwaaWebLogin', 'mwaaInvoke'] } },
		},
		{
			displayName: 'MWAA Environment Name',
			name: 'mwaaEnvironment',
			type: 'string',
			default: '',
			placeholder: 'MyAirflowEnvironment',
			displayOptions: { show: { authType: ['mwaaWebLogin', 'mwaaInvoke'] } },
		},
		{
			displayName: 'AWS Access Key ID',
			name: 'awsAccessKeyId',
			type: 'string',
			default: '',
			description: 'An IAM user or role allowed airflow:CreateWebLoginToken (web login) or airflow:InvokeRestApi on the environment',
			displayOptions: { show: { authType: ['mwaaWebLogin', 'mwaaInvoke'] } },
		},
		{
			displayName: 'AWS Secret Access Key',
			name: 'awsSecretAccessKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			displayOptions: { show: { authType: ['mwaaWebLogin', 'mwaaInvoke'] } },
		},
		{
			displayName: 'AWS Session Token',
			name: 'awsSessionToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: 'Only for temporary credentials (STS)',
			displayOptions: { show: { authType: ['mwaaWebLogin', 'mwaaInvoke'] } },
		},
		{
			displayName: 'MWAA API Endpoint',
			name: 'mwaaEndpoint',
			type: 'string',
			default: '',
			placeholder: 'https://env.airflow.ap-northeast-2.amazonaws.com',
			description: 'Leave empty for the public endpoint of the region; set it for a VPC endpoint',
			displayOptions: { show: { authType: ['mwaaWebLogin', 'mwaaInvoke'] } },
		},
		{
			displayName: 'Service Account Key (JSON)',
			name: 'serviceAccountPrivateKey',
			type: 'string',
			typeOptions: { password: true, rows: 6 },
			default: '',
			description: 'The whole JSON key file of a service account with the Composer User role and an Airflow role',
			displayOptions: { show: { authType: ['googleServiceAccount'] } },
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
