// docs/SECURITY.md names the test that proves each defence. This keeps it true: every test
// it names after "Test:" or "Tests:" exists where make test runs it — a Rust #[test] (or
// proptest) function by its name, a browser test by its title, a fuzz target by its name,
// a test file by its path. No browser is started.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { root } from './harness.mjs';

const doc = readFileSync(join(root, 'docs/SECURITY.md'), 'utf8');

function rustFiles(dir) {
  return readdirSync(join(root, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(join(root, path)).isDirectory()) return rustFiles(path);
    return name.endsWith('.rs') ? [path] : [];
  });
}
const rust = [...rustFiles('src'), ...rustFiles('tests')].map((f) => readFileSync(join(root, f), 'utf8')).join('\n');
const e2eTitles = readdirSync(join(root, 'tests/e2e'))
  .filter((f) => f.endsWith('.test.mjs'))
  .flatMap((f) => [...readFileSync(join(root, 'tests/e2e', f), 'utf8').matchAll(/\btest\(\s*(['`"])((?:\\.|(?!\1).)*)\1/g)])
  .map((m) => m[2].replace(/\\(.)/g, '$1'));
const fuzzTargets = [...readFileSync(join(root, 'fuzz/Cargo.toml'), 'utf8').matchAll(/^name = "(.+)"$/gm)].map((m) => m[1]);

/** The text after "Test:"/"Tests:" in each bullet or paragraph, lines joined. */
const claims = doc
  .split(/\n(?=\s*- |\s*\n)/)
  .map((chunk) => chunk.replace(/\s+/g, ' '))
  .filter((chunk) => /\bTests?:/.test(chunk))
  .map((chunk) => chunk.slice(chunk.search(/\bTests?:/)));

test('SECURITY.md names a test for its defences', () => {
  assert.ok(claims.length >= 15, `${claims.length} claims found`);
});

test('every Rust test SECURITY.md names exists as a test', () => {
  const names = new Set(claims.flatMap((c) => [...c.matchAll(/`([a-z0-9_]+)`(?! fuzz target)/g)].map((m) => m[1])));
  assert.ok(names.size >= 15);
  for (const name of names) {
    const at = rust.search(new RegExp(`\\bfn ${name}\\(`));
    assert.ok(at >= 0, `no fn ${name}`);
    const before = rust.slice(Math.max(0, at - 300), at);
    assert.ok(/#\[test\]\s*$/.test(before) || /proptest!\s*\{[\s\S]*$/.test(before) || /#!\[proptest_config[\s\S]*$/.test(before), `${name} is not a test`);
  }
});

test('every browser test SECURITY.md names exists by its title', () => {
  const titles = claims.flatMap((c) => [...c.matchAll(/\*([^*]+)\*/g)].map((m) => m[1].trim()));
  assert.ok(titles.length >= 8);
  for (const title of titles) assert.ok(e2eTitles.includes(title), `no browser test titled "${title}"`);
});

test('every fuzz target, test file and source file SECURITY.md names exists', () => {
  for (const c of claims) {
    for (const m of c.matchAll(/`([a-z_]+)` fuzz target/g)) assert.ok(fuzzTargets.includes(m[1]), `no fuzz target ${m[1]}`);
    for (const m of c.matchAll(/(?<![\w/])(tests\/[\w/.-]+\.(?:rs|mjs))\b/g)) assert.ok(existsSync(join(root, m[1])), `no ${m[1]}`);
  }
  // And every source file it points to, where a defence or its test lives.
  for (const m of doc.matchAll(/(?<![\w/])(src\/[\w/.-]+\.rs)\b/g)) assert.ok(existsSync(join(root, m[1])), `no ${m[1]}`);
});
