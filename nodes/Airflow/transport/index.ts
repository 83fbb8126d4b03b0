import { AirflowClient } from '../../logic/airflow/client';
import type { AuthConfig, ClientOptions, VersionSetting } from '../../logic/airflow/types';

export interface AirflowCredentials {
	baseUrl: string;
	apiVersion?: VersionSetting;
	authType?: 'basic' | 'token' | 'bearer' | 'none' | 'mwaaWebLogin' | 'mwaaInvoke' | 'googleServiceAccount';
	awsRegion?: string;
	mwaaEnvironment?: string;
	awsAccessKeyId?: string;
	awsSecretAccessKey?: string;
	awsSessionToken?: string;
	mwaaEndpoint?: string;
	serviceAccountPrivateKey?: string;
	username?: string;
	password?: string;
	token?: string;
	uiBaseUrl?: string;
	allowSelfSigned?: boolean;
}

export function authOf(c: AirflowCredentials): AuthConfig {
	switch (c.authType ?? 'basic') {
		case 'basic':
			return { kind: 'basic', username: c.username ?? '', password: c.password ?? '' };
		case 'token':
			return { kind: 'token', username: c.username ?? '', password: c.password ?? '' };
		case 'bearer':
			return { kind: 'bearer', token: c.token ?? '' };
		case 'none':
			return { kind: 'none' };
		case 'mwaaWebLogin':
		case 'mwaaInvoke':
			return {
				kind: c.authType as 'mwaaWebLogin' | 'mwaaInvoke',
				mwaa: { region: c.awsRegion ?? '', environment: c.mwaaEnvironment ?? '', accessKeyId: c.awsAccessKeyId ?? '', secretAccessKey: c.awsSecretAccessKey ?? '', sessionToken: c.awsSessionToken || undefined, endpoint: c.mwaaEndpoint || undefined },
			};
		case 'googleServiceAccount':
			return { kind: 'googleServiceAccount', serviceAccountKey: c.serviceAccountPrivateKey ?? '' };
		default:
			// an unknown scheme (a credential from another version): the client refuses it by name
			return { kind: String(c.authType) } as unknown as AuthConfig;
	}
}

/** One client per execution: the Airflow 3 token and the detected version are reused across items. */
export function clientFrom(c: AirflowCredentials, extra: Partial<ClientOptions> = {}): AirflowClient {
	return new AirflowClient({
		baseUrl: c.baseUrl,
		uiBaseUrl: c.uiBaseUrl || undefined,
		version: c.apiVersion ?? 'auto',
		auth: authOf(c),
		allowSelfSigned: c.allowSelfSigned === true,
		...extra,
	});
}
