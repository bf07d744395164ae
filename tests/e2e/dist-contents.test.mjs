// What ships (issue 9): npm packages are build and test tooling only. package.json holds
// devDependencies alone, and dist/chrome, dist/firefox and their .zip files hold exactly the
// files of extension/ (unchanged), the derived manifest and the wasm core with its
// wasm-bindgen glue: no node_modules file, no module fetched from anywhere. Reads dist/,
// which `make test-e2e` builds first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { root, filesIn } from './harness.mjs';

// The two wasm modules: the worker's (jit_console) and the pages' (jit_pages).
const BUILT = ['manifest.json', 'jit_console.js', 'jit_console_bg.wasm', 'jit_pages.js', 'jit_pages_bg.wasm'];

test('npm packages are devDependencies only', () => {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  for (const field of ['dependencies', 'optionalDependencies', 'peerDependencies', 'bundleDependencies', 'bundledDependencies']) {
    assert.equal(pkg[field], undefined, `package.json has ${field}`);
  }
  assert.ok(Object.keys(pkg.devDependencies ?? {}).length > 0);
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'));
  const shipped = Object.entries(lock.packages ?? {}).filter(([path, p]) => path && !p.dev);
  assert.deepEqual(shipped.map(([path]) => path), [], 'package-lock.json has non-dev packages');
});

const source = filesIn(join(root, 'extension'));

for (const browser of ['chrome', 'firefox']) {
  test(`dist/${browser} holds extension/, the manifest and the wasm core, nothing else`, () => {
    const dir = join(root, 'dist', browser);
    assert.ok(existsSync(dir), `${dir} is missing: run make build`);
    const shipped = filesIn(dir);
    assert.deepEqual(shipped, [...source, ...BUILT].sort());
    for (const file of source) {
      assert.ok(readFileSync(join(dir, file)).equals(readFileSync(join(root, 'extension', file))), `${file} changed on the way`);
    }
    // Every script imports only its neighbours (no bare npm specifier, no remote URL).
    for (const file of shipped.filter((f) => f.endsWith('.js'))) {
      const text = readFileSync(join(dir, file), 'utf8');
      for (const m of text.matchAll(/\bimport\s*(?:[^'"]*?\bfrom\s*)?['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]/g)) {
        const specifier = m[1] ?? m[2];
        assert.match(specifier, /^\.\/[\w.-]+\.js$/, `${file} imports ${specifier}`);
      }
      assert.ok(!/node_modules|https?:\/\/(?!www\.w3\.org)[^\s'"]*\.js/.test(text), `${file} refers to outside code`);
    }
    // The packed .zip holds the same files.
    const listed = execFileSync('zipinfo', ['-1', join(root, 'dist', `${browser}.zip`)], { encoding: 'utf8' })
      .split('\n').filter((l) => l && !l.endsWith('/')).sort();
    assert.deepEqual(listed, shipped);
  });
}
