// Ready for Firefox's add-on review (issue 18): the reviewers rebuild the WebAssembly from
// the source package and compare. The packing of an unpacked extension into its .zip must
// not depend on where, when or in which order its files were written, and the source
// package must hold what docs/BUILDING.md tells them to run. Reads dist/, which
// `make test-e2e` builds first. (That two clean clones in different folders build the same
// wasm and JS is checked by hand: docs/BUILDING.md says how and when it was last done.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, utimesSync, chmodSync, writeFileSync, mkdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { root, filesIn } from './harness.mjs';

const commitTime = Number(execFileSync('git', ['-C', root, 'log', '-1', '--format=%ct'], { encoding: 'utf8' }).trim());

/** The entries of a zip: `unzip -Z -T` lines (mode, size, stamp, name). */
const entries = (zip) => execFileSync('unzip', ['-Z', '-T', zip], { encoding: 'utf8' })
  .split('\n').filter((line) => /^[-d]r/.test(line));

test('the .zip of an extension is the same bytes whatever the files\' order, times and modes', () => {
  const work = mkdtempSync(join(tmpdir(), 'jit-repro-'));
  try {
    const a = join(work, 'a', 'firefox');
    const b = join(work, 'elsewhere', 'b', 'firefox');
    cpSync(join(root, 'dist/firefox'), a, { recursive: true });
    // The other copy written file by file in reverse order, with other times and modes.
    for (const path of filesIn(join(root, 'dist/firefox')).reverse()) {
      mkdirSync(dirname(join(b, path)), { recursive: true });
      writeFileSync(join(b, path), readFileSync(join(root, 'dist/firefox', path)));
      chmodSync(join(b, path), 0o600);
      utimesSync(join(b, path), new Date(2001, 1, 1), new Date(Date.now() - Math.random() * 1e9));
    }
    for (const dir of [a, b]) execFileSync(join(root, 'scripts/package.sh'), [dir, `${dir}.zip`]);
    const zipA = readFileSync(`${a}.zip`);
    assert.ok(zipA.equals(readFileSync(`${b}.zip`)), 'two packings of the same files differ');
    // The build packs the same way: dist/firefox.zip is these bytes.
    assert.ok(zipA.equals(readFileSync(join(root, 'dist/firefox.zip'))), 'dist/firefox.zip was packed otherwise');
    // Entries in one sorted order, files only, one mode, stamped with the commit's date
    // (zip keeps even seconds, rounded up).
    const lines = entries(`${a}.zip`);
    const names = lines.map((line) => line.split(/\s+/).at(-1));
    assert.deepEqual(names, [...names].sort());
    assert.deepEqual(names, filesIn(join(root, 'dist/firefox')));
    const stamp = new Date(Math.ceil(commitTime / 2) * 2000).toISOString().replace(/[-:T]/g, '').slice(0, 14);
    for (const line of lines) {
      assert.match(line, /^-rw-r--r-- /, line);
      assert.ok(line.includes(`${stamp.slice(0, 8)}.${stamp.slice(8)}`), `${line} is not stamped ${stamp}`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});

test('the source package holds the committed tree, the build instructions and the source\'s date', () => {
  const zip = join(root, 'dist/jit-console-source.zip');
  execFileSync(join(root, 'scripts/source-package.sh'), { stdio: 'ignore' });
  const first = readFileSync(zip);
  execFileSync(join(root, 'scripts/source-package.sh'), { stdio: 'ignore' });
  assert.ok(first.equals(readFileSync(zip)), 'two source packages of one commit differ');
  const names = entries(zip).map((line) => line.split(/\s+/).at(-1));
  // Exactly the committed tree (what `git archive HEAD` writes), and the date.
  const tracked = execFileSync('git', ['-C', root, 'ls-tree', '-r', '--name-only', 'HEAD'], { encoding: 'utf8' })
    .split('\n').filter(Boolean);
  assert.deepEqual(names, [...tracked, '.source-date-epoch'].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0)));
  for (const needed of ['docs/BUILDING.md', 'Cargo.lock', 'package-lock.json', 'scripts/build.sh', 'scripts/setup.sh']) {
    assert.ok(names.includes(needed), `${needed} is missing`);
  }
  assert.equal(execFileSync('unzip', ['-p', zip, '.source-date-epoch'], { encoding: 'utf8' }).trim(), String(commitTime));
});
