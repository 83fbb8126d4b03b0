/**
 * For jest tests of the Airflow client: simulators and clients made through these are closed
 * after each test, and each test then fails if any request the client sent or any answer the
 * simulator gave broke the official OpenAPI spec. Call `airflowHarness()` at the top of a test file.
 */
import { AirflowClient } from '../../../nodes/logic/airflow/client';
import type { AuthConfig, ClientOptions } from '../../../nodes/logic/airflow/types';
import { start, type Simulator, type SimulatorOptions } from '../../support/airflow/simulator';

export function airflowHarness(): {
	sim: (o: SimulatorOptions) => Promise<Simulator>;
	client: (s: Simulator, o?: Partial<ClientOptions>) => AirflowClient;
} {
	const sims: Simulator[] = [];
	const clients: AirflowClient[] = [];
	afterEach(async () => {
		for (const c of clients.splice(0)) c.close();
		const open = sims.splice(0);
		for (const s of open) await s.stop();
		// every request the client sent and every answer the simulator gave matched the official spec
		for (const s of open) expect(s.violations).toEqual([]);
	});
	return {
		async sim(o) {
			const s = await start(o);
			sims.push(s);
			return s;
		},
		client(s, o = {}) {
			const auth: AuthConfig = s.version === 'v1' ? { kind: 'basic', username: 'admin', password: 'admin' } : { kind: 'token', username: 'admin', password: 'admin' };
			const c = new AirflowClient({ baseUrl: s.url, version: 'auto', auth, sleep: async () => undefined, ...o });
			clients.push(c);
			return c;
		},
	};
}

/** An ISO instant 24 hours ago. */
export const dayAgo = (): string => new Date(Date.now() - 24 * 3600_000).toISOString();
