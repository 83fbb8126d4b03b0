#!/usr/bin/env node
// Refreshes the README's pictures, and nothing else writes them: docs/img/teams-card.png (a sample
// Teams Table report rendered as Teams draws it), teams-card-phone.png and
// failure-card-{ko,en}-{360,1280}.png (compact layout, scripts/render-cards.mjs), and docs/img/status-page-{ko,en}-{390,1280}.png
// (the status page served by real n8n, in both languages on a phone and a desktop, from the
// status-page test with PM_SCREENSHOT_DIR pointing here).
// Needs Debian's chromium; installs n8n like `npm test` does.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureN8n, node24Bin } from '../test/rig/ensure-n8n.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const img = path.join(root, 'docs', 'img');
const run = (cmd, args, env = {}) => {
	const res = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
	if (res.status !== 0) process.exit(res.status ?? 1);
};
run(process.execPath, [path.join(root, 'scripts', 'render-cards.mjs'), path.join(img, 'teams-card.png')]);
const home = ensureN8n();
run('npm', ['run', 'build']);
run(node24Bin(home), [path.join(root, 'node_modules/jest/bin/jest.js'), '--ci', 'test/real/status-page.test.ts'], { PM_SCREENSHOT_DIR: img });
console.log(`refreshed ${path.relative(root, img)}/teams-card.png, teams-card-phone.png, failure-card-{ko,en}-{360,1280}.png and status-page-{ko,en}-{390,1280}.png`);
