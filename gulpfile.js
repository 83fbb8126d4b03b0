// Copies the non-TypeScript assets of nodes and credentials (SVG icons, codex .node.json
// files, SQL) into dist/, keeping their folders, so n8n finds them next to the compiled code.
const path = require('node:path');
const { task, src, dest } = require('gulp');

const ASSETS = ['nodes/**/*.{png,svg,json,sql}', 'credentials/**/*.{png,svg}'];

task('build:assets', () => src(ASSETS, { base: '.', encoding: false }).pipe(dest(path.resolve('dist'))));
