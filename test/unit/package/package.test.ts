/**
 * The package as a user who clones it or installs it from npm gets it:
 *  - nothing the tests, benchmarks, scripts or nodes read lies outside the repository (no ../shared,
 *    no absolute path of one machine);
 *  - package.json names only files that exist or that the build makes, and ships the workflows;
 *  - codex files use n8n's documented categories, and every documentation link resolves to a file
 *    and a heading of this repository.
 */
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const REPO_URL = 'https://github.com/pipeline-monitor/n8n-nodes-pipeline-monitor';
const SELF = path.relative(ROOT, __filename);

function filesUnder(dir: string): string[] {
	const abs = path.join(ROOT, dir);
	if (!fs.existsSync(abs)) return [];
	return (fs.readdirSync(abs, { recursive: true }) as string[])
		.map((f) => path.join(dir, f))
		.filter((f) => fs.statSync(path.join(ROOT, f)).isFile());
}

describe('a clone stands alone', () => {
	// what a lookup outside the repository looks like: the sibling shared folder, or a string that
	// starts with an absolute path of one machine (home folders, this workplace, the temp folder)
	const OUTSIDE = [/\.\.\/shared["'`]|\bshared\/(reference|DESIGN\.md|hooks)\b/, /["'`](\/work|\/root|\/home\/(?!airflow\/|node\/)[^/"'`]+|\/Users|\/tmp)\//];
	const CODE = /\.(ts|mts|cts|js|mjs|cjs|json|sh|py|sql)$/;
	const scanned = ['test', 'scripts', 'bench', 'nodes', 'credentials', 'workflows', '.ci']
		.flatMap(filesUnder)
		// log fixtures quote the paths of the machines the logs came from; they are data, not lookups
		.filter((f) => (CODE.test(f) || f.startsWith('.ci/')) && !f.startsWith(path.join('test', 'fixtures', 'logs')) && f !== SELF);

	it('scans a real set of files', () => {
		expect(scanned.length).toBeGreaterThan(100);
		expect(scanned).toContain(path.join('test', 'support', 'airflow', 'spec.ts'));
	});

	it('no file names ../shared or an absolute path of one machine', () => {
		const hits = scanned.flatMap((f) =>
			fs
				.readFileSync(path.join(ROOT, f), 'utf8')
				.split('\n')
				.flatMap((line, i) => (OUTSIDE.some((re) => re.test(line)) ? [`${f}:${i + 1}: ${line.trim().slice(0, 120)}`] : [])),
		);
		expect(hits).toEqual([]);
	});

	it('the check itself catches such a line', () => {
		// (assembled from pieces, so this file does not itself hold the lines it plants)
		const q = "'";
		const bad = [`const dir = ${q}..${'/'}shared/${'reference'}/airflow${q};`, `fs.readFileSync(${q}/${'work'}/x.yaml${q})`, 'path.join(`' + '/' + 'tmp/pm`, x)', `${q}/home/alice/specs${q}`];
		for (const line of bad) expect(OUTSIDE.some((re) => re.test(line))).toBe(true);
		for (const line of ["filename: '/home/airflow/.local/lib/x.py'", "path.join(os.tmpdir(), 'pm-')"]) expect(OUTSIDE.some((re) => re.test(line))).toBe(false);
	});

	it('every reference file the tests read is in the repository with its licence', () => {
		for (const f of ['airflow/airflow-2.10-v1.yaml', 'airflow/airflow-3.2-v2.yaml', 'airflow/LICENSE', 'airflow/NOTICE', 'teams/adaptive-card-1.5.schema.json', 'teams/LICENSE', 'README.md']) {
			expect(fs.existsSync(path.join(ROOT, 'test', 'fixtures', 'reference', f))).toBe(true);
		}
	});
});

interface Manifest {
	main?: string;
	bin?: Record<string, string> | string;
	files: string[];
	n8n: { nodes: string[]; credentials: string[] };
}
const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as Manifest;

describe('package.json', () => {
	it('names no entry file that the package does not have', () => {
		if (manifest.main !== undefined) expect(fs.existsSync(path.join(ROOT, manifest.main))).toBe(true);
		const bins = typeof manifest.bin === 'string' ? [manifest.bin] : Object.values(manifest.bin ?? {});
		for (const bin of bins) expect(fs.existsSync(path.join(ROOT, bin))).toBe(true);
	});

	it('every node and credential it lists is built from a source file with an icon for light and dark themes', () => {
		for (const file of [...manifest.n8n.nodes, ...manifest.n8n.credentials]) {
			const source = path.join(ROOT, file.replace(/^dist\//, '').replace(/\.js$/, '.ts'));
			expect(fs.existsSync(source)).toBe(true);
			const text = fs.readFileSync(source, 'utf8');
			const icon = /icon(?:: Icon)?\s*[:=]\s*\{\s*light:\s*'file:([^']+)',\s*dark:\s*'file:([^']+)'/.exec(text);
			expect(icon).not.toBeNull();
			for (const svg of [icon![1], icon![2]]) expect(fs.existsSync(path.join(path.dirname(source), svg))).toBe(true);
		}
	});

	it('ships the ready workflows, their schema and the Airflow callback', () => {
		const shipped = (f: string) => manifest.files.some((pattern) => new RegExp(`^${pattern.replace(/\./g, '\\.').replace(/\*/g, '[^/]*')}(/|$)`).test(f));
		for (const f of ['dist/nodes/Airflow/Airflow.node.js', 'workflows/schema.sql', 'workflows/airflow_callback.py', 'workflows/status-page.json']) expect(shipped(f)).toBe(true);
	});
});

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
function anchorsOf(markdown: string): Set<string> {
	const seen = new Map<string, number>();
	const anchors = new Set<string>();
	let fenced = false;
	for (const line of markdown.split('\n')) {
		if (/^\s*```/.test(line)) fenced = !fenced;
		const m = !fenced && /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
		if (!m) continue;
		const base = m[1]
			.toLowerCase()
			.replace(/[^\p{L}\p{N}\s_-]/gu, '')
			.replace(/\s/g, '-');
		const n = seen.get(base) ?? 0;
		seen.set(base, n + 1);
		anchors.add(n === 0 ? base : `${base}-${n}`);
	}
	return anchors;
}

/** The file and anchor of this repository a documentation URL points to. */
function resolveDocUrl(url: string): { file: string; anchor: string | null } {
	expect(url.startsWith(REPO_URL)).toBe(true);
	const [pathPart, anchor] = url.slice(REPO_URL.length).split('#');
	const file = pathPart === '' || pathPart === '/' ? 'README.md' : pathPart.replace(/^\/blob\/main\//, '');
	return { file, anchor: anchor ?? null };
}

describe('documentation links and codex files', () => {
	// https://docs.n8n.io/integrations/creating-nodes/build/reference/node-codex-files/ ("Node categories")
	const CATEGORIES = ['Data & Storage', 'Finance & Accounting', 'Marketing & Content', 'Productivity', 'Miscellaneous', 'Sales', 'Development', 'Analytics', 'Communication', 'Utility'];
	const codexFiles = filesUnder('nodes').filter((f) => f.endsWith('.node.json'));
	const credentialFiles = filesUnder('credentials').filter((f) => f.endsWith('.credentials.ts'));

	const urls: Array<{ from: string; url: string }> = [
		...codexFiles.flatMap((f) => {
			const codex = JSON.parse(fs.readFileSync(path.join(ROOT, f), 'utf8')) as { resources?: Record<string, Array<{ url: string }>> };
			return Object.values(codex.resources ?? {}).flatMap((list) => list.map(({ url }) => ({ from: f, url })));
		}),
		...credentialFiles.flatMap((f) => [...fs.readFileSync(path.join(ROOT, f), 'utf8').matchAll(/documentationUrl\s*=\s*'([^']+)'/g)].map((m) => ({ from: f, url: m[1] }))),
	];

	it('every node has a codex file with categories from n8n\'s documented list and no subcategories of its own making', () => {
		expect(codexFiles.length).toBe(manifest.n8n.nodes.length);
		for (const f of codexFiles) {
			const codex = JSON.parse(fs.readFileSync(path.join(ROOT, f), 'utf8')) as { categories: string[]; subcategories?: unknown };
			expect({ f, unknown: codex.categories.filter((c) => !CATEGORIES.includes(c)) }).toEqual({ f, unknown: [] });
			expect(codex.subcategories).toBeUndefined();
		}
	});

	it('every documentation link names a file and a heading that exist', () => {
		expect(urls.length).toBeGreaterThanOrEqual(codexFiles.length + credentialFiles.length);
		const broken = urls.filter(({ url }) => {
			const { file, anchor } = resolveDocUrl(url);
			const abs = path.join(ROOT, file);
			if (!fs.existsSync(abs)) return true;
			return anchor !== null && !anchorsOf(fs.readFileSync(abs, 'utf8')).has(anchor);
		});
		expect(broken).toEqual([]);
	});

	it('the anchor rule matches GitHub on the headings used here', () => {
		const anchors = anchorsOf('# Row Count Diff\n## Status page (`workflows/status-page.json`, node **Pipeline Status Page**)\n### Credential\n### Credential\n```\n# not a heading\n```');
		expect([...anchors]).toEqual(['row-count-diff', 'status-page-workflowsstatus-pagejson-node-pipeline-status-page', 'credential', 'credential-1']);
	});
});

describe('README', () => {
	const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');

	it('tables are not split by blank lines (a split table renders its rest as a paragraph)', () => {
		const lines = readme.split('\n');
		const splits = lines.flatMap((line, i) => (line.trim() === '' && lines[i - 1]?.startsWith('|') && lines[i + 1]?.startsWith('|') ? [i + 1] : []));
		expect(splits).toEqual([]);
	});

	it('every relative link in the README and docs points to a file of the repository', () => {
		const broken: string[] = [];
		for (const doc of ['README.md', ...filesUnder('docs').filter((f) => f.endsWith('.md'))]) {
			// (links inside code spans and fences are examples, not links)
			const text = fs.readFileSync(path.join(ROOT, doc), 'utf8').replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
			for (const m of text.matchAll(/\]\(([^)#\s]+)(#[^)\s]*)?\)/g)) {
				if (/^[a-z]+:/.test(m[1])) continue;
				if (!fs.existsSync(path.join(ROOT, path.dirname(doc), m[1]))) broken.push(`${doc}: ${m[1]}`);
			}
		}
		expect(broken).toEqual([]);
	});
});

describe('GitHub Actions workflows (cannot run here: their syntax and the steps that matter are checked)', () => {
	type Step = { uses?: string; run?: string; with?: Record<string, unknown>; env?: Record<string, string> };
	type Workflow = { on: Record<string, unknown>; permissions?: Record<string, string>; jobs: Record<string, { 'runs-on': string; steps: Step[] }> };
	const load = (name: string) => {
		const doc = YAML.parseDocument(fs.readFileSync(path.join(ROOT, '.github', 'workflows', name), 'utf8'));
		expect(doc.errors.map((e) => e.message)).toEqual([]);
		return doc.toJS() as Workflow;
	};
	const steps = (wf: Workflow) => Object.values(wf.jobs).flatMap((job) => job.steps);

	it('CI runs the README\'s test command on Node 20 after a clean install', () => {
		const wf = load('ci.yml');
		expect(Object.keys(wf.on)).toEqual(expect.arrayContaining(['push', 'pull_request']));
		const all = steps(wf);
		expect(all.find((s) => s.uses?.startsWith('actions/setup-node'))?.with?.['node-version']).toBe(20);
		const runs = all.map((s) => s.run ?? '');
		expect(runs.indexOf('npm ci')).toBeGreaterThanOrEqual(0);
		expect(runs.indexOf('npm test')).toBeGreaterThan(runs.indexOf('npm ci'));
	});

	it('publishing tests first and signs with npm provenance through the OIDC token', () => {
		const wf = load('publish.yml');
		expect(wf.permissions?.['id-token']).toBe('write');
		const runs = steps(wf).map((s) => s.run ?? '');
		const publish = runs.findIndex((r) => /^npm publish\b.*--provenance/.test(r));
		expect(publish).toBeGreaterThan(runs.indexOf('npm test'));
		expect(runs.indexOf('npm test')).toBeGreaterThan(runs.indexOf('npm ci'));
		expect(steps(wf).find((s) => s.uses?.startsWith('actions/setup-node'))?.with?.['registry-url']).toBe('https://registry.npmjs.org');
	});
});
