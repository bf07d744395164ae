// Runs `web-ext lint` on dist/firefox and fails on any error or warning.
import { execFileSync } from 'node:child_process';

let output;
try {
  output = execFileSync('node_modules/.bin/web-ext', ['lint', '--source-dir', 'dist/firefox', '--output', 'json'], { encoding: 'utf8' });
} catch (failure) {
  output = failure.stdout;
}
const report = JSON.parse(output);
for (const kind of ['errors', 'warnings', 'notices']) {
  for (const m of report[kind]) console.log(`web-ext lint ${kind.slice(0, -1)}: ${m.code} ${m.file ?? ''} ${m.message}`);
}
console.log(`web-ext lint: ${report.summary.errors} errors, ${report.summary.warnings} warnings, ${report.summary.notices} notices`);
process.exit(report.summary.errors + report.summary.warnings > 0 ? 1 : 0);
