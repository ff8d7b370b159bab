/**
 * `pnpm bench [--quick] [name ...]`: runs every `bench/*.bench.ts` (or the named ones; a bench exporting
 * `namedOnly = true`, such as the soak, runs only when named), prints a Markdown table
 * (value, anchor measured in the same run, ratio, target) and writes `bench/results/latest.{json,md}`.
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BenchModule, BenchRow } from './types';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
// Names are the arguments that are neither options nor an option's numeric value (`--minutes 3`).
const only = args.filter((a, i) => !a.startsWith('--') && !(i > 0 && args[i - 1].startsWith('--') && /^\d+(\.\d+)?$/.test(a)));
const benchDir = __dirname;

function format(value: number | undefined): string {
  if (value === undefined || Number.isNaN(value)) return '';
  const abs = Math.abs(value);
  if (abs >= 1000) return value.toFixed(0);
  if (abs >= 100) return value.toFixed(1);
  if (abs >= 1) return value.toFixed(2);
  return value.toPrecision(3);
}

function table(rows: readonly (BenchRow & { bench: string })[]): string {
  const header = '| bench | item | value | unit | anchor (same run) | anchor value | ratio | target | met |\n|---|---|---|---|---|---|---|---|---|';
  const lines = rows.map(
    (r) =>
      `| ${r.bench} | ${r.name} | ${format(r.value)} | ${r.unit} | ${r.anchor ?? ''} | ${format(r.anchorValue)} | ${format(r.ratio)} | ${r.target ?? ''} | ${
        r.pass === undefined ? '' : r.pass ? 'yes' : 'NO'
      } |`,
  );
  return [header, ...lines].join('\n');
}

async function main(): Promise<void> {
  const files = readdirSync(benchDir)
    .filter((f) => f.endsWith('.bench.ts'))
    .filter((f) => only.length === 0 || only.some((name) => f.startsWith(name)))
    .sort();
  const rows: (BenchRow & { bench: string })[] = [];
  const started = Date.now();
  for (const file of files) {
    const bench = file.replace(/\.bench\.ts$/, '');
    process.stderr.write(`bench ${bench}${quick ? ' (quick)' : ''} ...\n`);
    const t0 = Date.now();
    try {
      const mod = (await import(pathToFileURL(join(benchDir, file)).href)) as BenchModule & { default?: BenchModule };
      if ((mod.namedOnly ?? mod.default?.namedOnly) === true && !only.includes(bench)) {
        process.stderr.write(`bench ${bench} skipped: it runs only when named (pnpm bench ${bench})\n`);
        continue;
      }
      const run = mod.run ?? mod.default?.run;
      const result = await run({ quick });
      rows.push(...result.map((r) => ({ ...r, bench })));
    } catch (error) {
      process.stderr.write(`bench ${bench} FAILED: ${error instanceof Error ? error.stack : String(error)}\n`);
      rows.push({ bench, name: 'FAILED', value: Number.NaN, unit: '', notes: String(error) });
    }
    process.stderr.write(`bench ${bench} done in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
  }
  const markdown = `# voxframe benchmarks\n\nNode ${process.version}, ${quick ? 'quick' : 'full'} mode, ${new Date().toISOString()}, ${(
    (Date.now() - started) /
    1000
  ).toFixed(0)} s.\n\n${table(rows)}\n\n${rows
    .filter((r) => r.notes)
    .map((r) => `- ${r.bench} / ${r.name}: ${r.notes}`)
    .join('\n')}\n`;
  const outDir = join(benchDir, 'results');
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'latest.json'), JSON.stringify({ node: process.version, quick, rows }, null, 2));
  writeFileSync(join(outDir, 'latest.md'), markdown);
  process.stdout.write(markdown);
  if (rows.some((r) => r.name === 'FAILED')) process.exitCode = 1;
}

void main();
