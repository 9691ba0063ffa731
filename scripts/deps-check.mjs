#!/usr/bin/env node
/**
 * `npm run deps:check` — the direct dependencies with installed and latest versions (`npm outdated --json`,
 * the registry is reachable while `npm audit`'s advisory service is not), failing on any that is more than one
 * major version behind unless a README Decision names it in backticks (`pkg` or `pkg@x.y`): a hold must say why.
 * "Major" follows semver's caret: for 0.x the minor is the breaking part (0.27 → 0.28 is one step).
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';

const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8'));
const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
const decisions = readme.split(/^## Decisions\s*$/m)[1]?.split(/^## /m)[0] ?? '';

// npm outdated exits 1 when something is outdated: that is an answer, not a failure.
const outdated = await new Promise((resolve, reject) =>
	execFile('npm', ['outdated', '--json', '--long'], { maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
		if (!stdout.trim()) return error ? reject(new Error(`npm outdated failed: ${stderr}`)) : resolve({});
		resolve(JSON.parse(stdout));
	}),
);

/** Breaking steps between two versions, as ^ ranges count them (0.27 → 0.28 is one, 0.28 → 1.0 is one). */
function stepsBehind(current, latest) {
	const [cMaj, cMin] = String(current).split('.').map(Number);
	const [lMaj, lMin] = String(latest).split('.').map(Number);
	if (lMaj > 0) return lMaj - cMaj + (cMaj === 0 ? 1 : 0);
	return lMin - cMin;
}
const named = (name) => new RegExp('`' + name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&') + '(@[^`]*)?`').test(decisions);

const direct = { ...pkg.dependencies, ...pkg.devDependencies };
const rows = [];
const failures = [];
for (const name of Object.keys(direct).sort()) {
	const info = outdated[name];
	const installed = info?.current ?? JSON.parse(await readFile(new URL(`../node_modules/${name}/package.json`, import.meta.url), 'utf8').catch(() => '{}')).version ?? '—';
	const latest = info?.latest ?? installed;
	const behind = info && installed !== '—' ? Math.max(0, stepsBehind(installed, latest)) : 0;
	const held = behind > 1 && named(name);
	rows.push({ name, installed, latest, behind, note: behind > 1 ? (held ? 'held (README Decision)' : 'NO DECISION') : '' });
	if (behind > 1 && !held) failures.push(name);
}

const width = Math.max(...rows.map((r) => r.name.length));
console.log(`${'package'.padEnd(width)}  ${'installed'.padEnd(10)}  ${'latest'.padEnd(10)}  majors behind`);
for (const r of rows) console.log(`${r.name.padEnd(width)}  ${String(r.installed).padEnd(10)}  ${String(r.latest).padEnd(10)}  ${r.behind || ''}${r.note ? `  ${r.note}` : ''}`);
if (failures.length) {
	console.error(`\n${failures.length} dependenc${failures.length === 1 ? 'y is' : 'ies are'} more than one major version behind without a README Decision naming it: ${failures.join(', ')}`);
	console.error('Upgrade, or add a Decision that names the package in backticks and says why it is held.');
	process.exit(1);
}
console.log(`\n${rows.length} direct dependencies; none more than one major version behind without a Decision.`);
