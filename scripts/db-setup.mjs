#!/usr/bin/env node
// `npm run db:setup -- postgres://user:password@host:5432/database`: applies workflows/schema.sql
// (idempotent; records its version in pipeline_monitor.schema_version). PM_POSTGRES_URL works too.
import { applySchema } from '../test/rig/stack.mjs';

const url = process.argv[2] ?? process.env.PM_POSTGRES_URL;
if (!url) {
	console.error('usage: npm run db:setup -- postgres://user:password@host:5432/database   (or set PM_POSTGRES_URL)');
	process.exit(2);
}
try {
	const version = await applySchema(url);
	console.log(`pipeline_monitor schema is at version ${version} on ${new URL(url).host}${new URL(url).pathname}`);
} catch (error) {
	// the URL holds a password: name the host only
	console.error(`applying workflows/schema.sql to ${new URL(url).host} failed: ${error.message}`);
	process.exit(1);
}
