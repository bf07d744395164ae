// Issue 16: the hand-off's local port is drawn from crypto.getRandomValues, never from
// Math.random (whose sequence a page may learn and predict). Checked on what ships: the
// worker's JavaScript glue, where every JS function the wasm calls is named.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromeDist } from './harness.mjs';

test('the worker draws its randomness from crypto.getRandomValues, not Math.random', () => {
  const glue = readFileSync(join(chromeDist, 'jit_console.js'), 'utf8');
  assert.ok(/crypto\.getRandomValues/.test(glue), 'the worker calls crypto.getRandomValues');
  assert.ok(!/Math\.random/.test(glue), 'the worker never calls Math.random');
});
