// Figures, verdicts, the comparison with the previous run and with a baseline build measured
// in the same run, bench/results.json and the table in bench/README.md.
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import os from 'node:os';

/** Median, min and max of numbers. */
export function stats(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const n = sorted.length;
  if (n === 0) return { median: null, min: null, max: null, n: 0 };
  const median = n % 2 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  return { median, min: sorted[0], max: sorted[n - 1], n };
}

/**
 * A figure: `budget` is `{max}` (the median must not exceed it) or `{equals}` (every sample
 * must equal it), or absent (reported only). `{max, guard: true}` is a reported figure with
 * a guard against accidents, not a goal: it fails above `max` like a budget, and is labelled
 * "guard".
 */
export function figure(id, title, unit, samples, { budget, detail, note } = {}) {
  const s = stats(samples.filter((v) => typeof v === 'number' && Number.isFinite(v)));
  let verdict = 'info';
  if (budget && s.n === 0) verdict = 'fail';
  else if (budget?.max !== undefined) verdict = s.median <= budget.max ? 'pass' : 'fail';
  else if (budget?.equals !== undefined) verdict = samples.every((v) => v === budget.equals) ? 'pass' : 'fail';
  return { id, title, unit, budget: budget ?? null, samples, ...s, verdict, detail: detail ?? null, note: note ?? null };
}

const round = (v) => (v === null ? '–' : Number.isInteger(v) || Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(2));

function budgetText(f) {
  if (!f.budget) return '';
  if (f.budget.max !== undefined) return `${f.budget.guard ? 'guard ' : ''}≤ ${f.budget.max} ${f.unit}`;
  return `= ${f.budget.equals}`;
}

/** The budget as printed after the value: "budget ≤ 50 ms", "guard ≤ 400 KB". */
function budgetLabel(f) {
  const text = budgetText(f);
  if (!text) return '';
  return f.budget.guard ? text : `budget ${text}`;
}

function valueText(f) {
  if (!f || f.n === 0) return 'not measured';
  const spread = f.n > 1 ? ` (${round(f.min)}–${round(f.max)}, n=${f.n})` : '';
  return `${round(f.median)} ${f.unit}${spread}`;
}

/** The current median against the baseline's: "+12 %", "−3.4 %", "±0". */
export function changeText(f) {
  const before = f.baseline?.median;
  const now = f.median;
  if (before == null || now == null) return '–';
  if (now === before) return '±0';
  if (before === 0) return `${now > 0 ? '+' : '−'}${round(Math.abs(now))} ${f.unit}`;
  const pct = ((now - before) / Math.abs(before)) * 100;
  const size = Math.abs(pct);
  return `${pct > 0 ? '+' : '−'}${size >= 10 ? size.toFixed(0) : size.toFixed(1)} %`;
}

/**
 * Puts each baseline figure beside the current figure of the same id, as `baseline`: its
 * samples, median and spread, detail and note. No verdict: budgets are the current build's.
 */
export function withBaseline(figures, baselineFigures) {
  const byId = new Map(baselineFigures.map((b) => [b.id, b]));
  for (const f of figures) {
    const b = byId.get(f.id);
    f.baseline = b
      ? { unit: b.unit, samples: b.samples, median: b.median, min: b.min, max: b.max, n: b.n, detail: b.detail, note: b.note }
      : { unit: f.unit, samples: [], median: null, min: null, max: null, n: 0, detail: null, note: 'not measured for the baseline' };
  }
  return figures;
}

/** Prints each figure (and its baseline's value, if any), and returns whether every budget held. */
export function printFigures(figures, baselineLabel = null) {
  let ok = true;
  for (const f of figures) {
    const tag = { pass: 'PASS', fail: 'FAIL', info: 'info' }[f.verdict];
    if (f.verdict === 'fail') ok = false;
    const budget = budgetLabel(f);
    console.log(`${tag.padEnd(4)}  ${f.title}`);
    if (f.baseline) {
      const label = `before (${baselineLabel ?? 'baseline'})`;
      const width = Math.max(label.length, 3);
      console.log(`      ${'now'.padEnd(width)}  ${valueText(f).padEnd(34)} ${budget}`);
      console.log(`      ${label.padEnd(width)}  ${valueText(f.baseline).padEnd(34)} change ${changeText(f)}`);
      if (f.detail) console.log(`      now: ${f.detail}`);
      if (f.note) console.log(`      now, note: ${f.note}`);
      if (f.baseline.detail) console.log(`      before: ${f.baseline.detail}`);
      if (f.baseline.note) console.log(`      before, note: ${f.baseline.note}`);
    } else {
      console.log(`      ${valueText(f).padEnd(34)} ${budget}`);
      if (f.detail) console.log(`      ${f.detail}`);
      if (f.note) console.log(`      note: ${f.note}`);
    }
  }
  return ok;
}

/** Figures more than 20 % worse (higher) than in the previous run. */
export function regressions(figures, previous) {
  if (!previous) return [];
  const before = new Map(previous.figures.map((f) => [f.id, f]));
  const worse = [];
  for (const f of figures) {
    const old = before.get(f.id);
    if (!old || old.median === null || f.median === null || f.unit === 'requests') continue;
    if (old.median > 0 ? f.median > old.median * 1.2 : f.median > 0) {
      worse.push({ id: f.id, title: f.title, unit: f.unit, before: old.median, now: f.median });
    }
  }
  return worse;
}

/**
 * Why the previous run's timings may not compare with this one's: it ran on another kind of
 * machine (these machines are assigned, not chosen). Sizes and request counts still compare.
 */
export function otherMachine(run, previous) {
  const a = run.machine;
  const b = previous?.machine;
  if (!b || (a.cpu === b.cpu && a.cpus === b.cpus)) return null;
  return `the previous run was on ${b.cpus} × ${b.cpu}, this one on ${a.cpus} × ${a.cpu}: its timings compare only roughly`;
}

export function printRegressions(worse, previous, run) {
  if (!previous) {
    console.log('\n(no previous run to compare with)');
    return;
  }
  const elsewhere = otherMachine(run, previous);
  if (elsewhere) console.log(`\nNote: ${elsewhere}.`);
  if (worse.length === 0) {
    console.log(`\nNo figure is more than 20 % worse than the previous run (${previous.commit}, ${previous.date}).`);
    return;
  }
  const bar = '!'.repeat(78);
  console.log(`\n${bar}\n!!! REGRESSION: ${worse.length} figure(s) more than 20 % worse than the previous run (${previous.commit}, ${previous.date})`);
  for (const w of worse) {
    console.log(`!!!   ${w.title}: ${round(w.before)} -> ${round(w.now)} ${w.unit} (+${(((w.now - w.before) / Math.max(w.before, 1e-9)) * 100).toFixed(0)} %)`);
  }
  console.log(bar);
}

/** Where and when: the machine, the browser, the commit. */
export function provenance(root, chromiumVersion) {
  const git = (...args) => {
    try { return execFileSync('git', args, { cwd: root, encoding: 'utf8' }).trim(); } catch { return ''; }
  };
  const dirty = git('status', '--porcelain', '--untracked-files=no') !== '';
  const cpus = os.cpus();
  return {
    date: new Date().toISOString(),
    commit: `${git('rev-parse', '--short', 'HEAD')}${dirty ? '+changes' : ''}`,
    machine: {
      cpus: cpus.length,
      cpu: cpus[0]?.model?.trim() ?? 'unknown',
      memory_gb: Math.round(os.totalmem() / 2 ** 30),
      os: `${os.type()} ${os.release()}`,
      node: process.version,
      chromium: chromiumVersion,
      load_average_at_start: os.loadavg().map((v) => Number(v.toFixed(2))),
    },
  };
}

/** Writes bench/results.json, keeping the run before as `previous`. Returns that previous run. */
export function saveResults(path, run) {
  let previous = null;
  if (existsSync(path)) {
    try { previous = JSON.parse(readFileSync(path, 'utf8')).latest ?? null; } catch { previous = null; }
  }
  writeFileSync(path, `${JSON.stringify({ latest: run, previous }, null, 2)}\n`);
  return previous;
}

/** Replaces the generated part of bench/README.md with the run's table. */
export function writeReadmeTable(path, run, previous, worse) {
  const readme = readFileSync(path, 'utf8');
  const begin = '<!-- results:begin -->';
  const end = '<!-- results:end -->';
  const start = readme.indexOf(begin);
  const stop = readme.indexOf(end);
  if (start < 0 || stop < start) throw new Error(`${path} lacks the ${begin} / ${end} markers`);
  const m = run.machine;
  const before = new Map((previous?.figures ?? []).map((f) => [f.id, f]));
  const base = run.baseline ?? null;
  const lines = [
    begin,
    `Latest run: ${run.date.slice(0, 16).replace('T', ' ')} UTC, commit \`${run.commit}\`, ${run.duration_s} s.`,
    `Machine: ${m.cpus} × ${m.cpu}, ${m.memory_gb} GB, ${m.os}; Chromium ${m.chromium} (headless), Node ${m.node}; load average at start ${m.load_average_at_start.join(' / ')}.`,
  ];
  if (base) {
    lines.push(`Before: commit \`${base.label}\`, its own build, measured in the same run on the same machine and simulator (group by group, the two builds alternating which went first). Budgets and verdicts are those of the current build; "previous" is the current build's previous run.`);
  }
  lines.push('');
  const spreadText = (f) => (f.n > 1 ? `${round(f.min)}–${round(f.max)}, n=${f.n}` : f.n === 1 ? 'one measurement' : '–');
  const medianText = (f) => (f.median === null ? '–' : `${round(f.median)} ${f.unit}`);
  if (base) {
    lines.push(
      `| figure | before (${base.label}) | now | change | spread before (min–max, n) | spread now | budget | verdict | previous |`,
      '|---|---|---|---|---|---|---|---|---|',
    );
  } else {
    lines.push('| figure | median | spread (min–max, n) | budget | verdict | previous |', '|---|---|---|---|---|---|');
  }
  for (const f of run.figures) {
    const old = before.get(f.id);
    const verdict = { pass: 'pass', fail: '**FAIL**', info: '–' }[f.verdict];
    const prev = old?.median != null ? `${round(old.median)}` : '–';
    if (base) {
      const b = f.baseline ?? { median: null, n: 0, unit: f.unit };
      lines.push(`| ${f.title} | ${medianText(b)} | ${medianText(f)} | ${changeText(f)} | ${spreadText(b)} | ${spreadText(f)} | ${budgetText(f) || '–'} | ${verdict} | ${prev} |`);
    } else {
      lines.push(`| ${f.title} | ${medianText(f)} | ${spreadText(f)} | ${budgetText(f) || '–'} | ${verdict} | ${prev} |`);
    }
  }
  lines.push('');
  if (base?.errors?.length) {
    lines.push(`Not measured for \`${base.label}\`: ${base.errors.map((e) => `${e.group} (${e.error})`).join('; ')}.`, '');
  }
  const elsewhere = otherMachine(run, previous);
  if (elsewhere) lines.push(`Note: ${elsewhere}.`, '');
  if (worse.length) {
    lines.push(`**Regressions** (more than 20 % worse than \`${previous.commit}\`): ${worse.map((w) => `${w.title} ${round(w.before)} → ${round(w.now)} ${w.unit}`).join('; ')}.`);
  } else if (previous) {
    lines.push(`No figure is more than 20 % worse than the previous run (\`${previous.commit}\`).`);
  }
  const details = run.figures.filter((f) => f.detail || f.note || f.baseline?.detail || f.baseline?.note);
  if (details.length) {
    lines.push('', 'Details:', '');
    for (const f of details) {
      const own = [f.detail, f.note].filter(Boolean).join(' ');
      if (!base) { lines.push(`- ${f.title}: ${own}`); continue; }
      const theirs = [f.baseline?.detail, f.baseline?.note].filter(Boolean).join(' ');
      lines.push(`- ${f.title}: now: ${own || '–'}; before (${base.label}): ${theirs || '–'}`);
    }
  }
  lines.push(end);
  writeFileSync(path, readme.slice(0, start) + lines.join('\n') + readme.slice(stop + end.length));
}
