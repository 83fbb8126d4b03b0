/**
 * n8n's own database as the rig runs it (Postgres, DB_POSTGRESDB_* in the stack's n8n
 * environment): scanning saved execution data for secrets, and reading execution statuses.
 */
import { Client } from 'pg';

async function withN8nDb<T>(env: Record<string, string>, fn: (db: Client) => Promise<T>): Promise<T> {
	const db = new Client({
		host: env.DB_POSTGRESDB_HOST,
		port: Number(env.DB_POSTGRESDB_PORT),
		database: env.DB_POSTGRESDB_DATABASE,
		user: env.DB_POSTGRESDB_USER,
		password: env.DB_POSTGRESDB_PASSWORD,
	});
	await db.connect();
	try {
		return await fn(db);
	} finally {
		await db.end();
	}
}

/**
 * How many execution_data rows (execution data and the workflow copy, soft-deleted runs included)
 * contain each needle (pass an Authorization header's base64 of user:password as its own needle).
 */
export async function scanExecutionData(env: Record<string, string>, needles: Record<string, string>): Promise<{ rows: number; found: Record<string, number> }> {
	return await withN8nDb(env, async (db) => {
		const rows = Number((await db.query('SELECT count(*)::int AS n FROM execution_data')).rows[0].n);
		const found: Record<string, number> = {};
		for (const [name, needle] of Object.entries(needles)) {
			const { rows: hit } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM execution_data d WHERE strpos(d.data, $1) > 0 OR strpos(d."workflowData"::text, $1) > 0', [needle]);
			found[name] = hit[0].n;
		}
		return { rows, found };
	});
}

export interface ExecutionRow {
	id: string;
	status: string;
	finished: boolean;
	deletedAt: Date | null;
	stoppedAt: Date | null;
}

/** Executions of one workflow, soft-deleted ones included. */
export async function executionsOf(env: Record<string, string>, workflowId: string): Promise<ExecutionRow[]> {
	return await withN8nDb(env, async (db) => {
		const { rows } = await db.query<ExecutionRow>('SELECT id::text, status, finished, "deletedAt", "stoppedAt" FROM execution_entity WHERE "workflowId" = $1 ORDER BY id', [workflowId]);
		return rows;
	});
}
