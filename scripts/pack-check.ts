/**
 * Packaging proof: every publishable package works for a user who installs it from npm.
 *
 * `tsx scripts/pack-check.ts` (CI runs it after `pnpm build`):
 * 1. finds the packages: every `packages/<dir>/package.json` that is not `"private": true`;
 * 2. packs each with `pnpm pack` (which rewrites `workspace:*` ranges to real versions, as publishing does);
 * 3. installs all the tarballs with plain `npm install` into a scratch project under the system temp directory, so
 *    the packages come from their tarballs and only third-party dependencies from the npm registry;
 * 4. for every package and every JavaScript subpath of its `exports` map: an ESM `import`, a CJS `require` (the same
 *    export names both ways), and a TypeScript sample that names every export, type-checked with
 *    `moduleResolution: nodenext` from an ES module and from a CommonJS module (so the `types` conditions of the
 *    exports map are used as a user's compiler uses them).
 *
 * Options: `--keep` leaves the scratch project in place (its path is printed). Exits non-zero on any failure.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '..');
const keep = process.argv.includes('--keep');

interface Manifest {
  readonly name: string;
  readonly version: string;
  readonly private?: boolean;
  readonly exports?: Record<string, unknown>;
}

interface Package {
  readonly dir: string;
  readonly manifest: Manifest;
  /** Subpaths (`.`, `./testing`) that resolve to JavaScript for both `import` and `require`. */
  readonly subpaths: readonly string[];
  /** Subpaths that are plain files (a browser module): checked to be in the tarball, not loaded. */
  readonly files: readonly string[];
}

const failures: string[] = [];

function run(command: string, args: readonly string[], cwd: string, what: string): string {
  try {
    return execFileSync(command, args, {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip', npm_config_fund: 'false', npm_config_audit: 'false' },
      timeout: 15 * 60_000,
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    failures.push(`${what}:\n${[stdout, stderr].filter(Boolean).join('\n').trim().split('\n').slice(-40).join('\n')}`);
    return '';
  }
}

function step(message: string): void {
  process.stdout.write(`pack-check: ${message}\n`);
}

/** The publishable packages, from the file system (new packages are picked up without editing this script). */
function discover(): Package[] {
  const dirs = readdirSync(join(root, 'packages'), { withFileTypes: true }).filter((d) => d.isDirectory());
  const out: Package[] = [];
  for (const dir of dirs) {
    const path = join(root, 'packages', dir.name, 'package.json');
    if (!existsSync(path)) continue;
    const manifest = JSON.parse(readFileSync(path, 'utf8')) as Manifest;
    if (manifest.private === true) continue;
    const subpaths: string[] = [];
    const files: string[] = [];
    for (const [subpath, target] of Object.entries(manifest.exports ?? { '.': {} })) {
      if (subpath === './package.json') continue;
      if (typeof target === 'string') files.push(subpath);
      else subpaths.push(subpath);
    }
    if (manifest.exports === undefined) failures.push(`${manifest.name}: package.json has no "exports" map`);
    out.push({ dir: join(root, 'packages', dir.name), manifest, subpaths, files });
  }
  return out;
}

const specifier = (pkg: Package, subpath: string): string => (subpath === '.' ? pkg.manifest.name : `${pkg.manifest.name}${subpath.slice(1)}`);
const safeName = (value: string): string => value.replace(/[^a-z0-9]+/gi, '_').replace(/^_+|_+$/g, '');

function main(): void {
  const packages = discover();
  step(`${packages.length} publishable packages: ${packages.map((p) => p.manifest.name).join(', ')}`);
  const scratch = mkdtempSync(join(tmpdir(), 'voxframe-pack-check-'));
  const tarballs = join(scratch, 'tarballs');
  const project = join(scratch, 'project');
  mkdirSync(tarballs);
  mkdirSync(project);
  try {
    for (const pkg of packages) {
      if (!existsSync(join(pkg.dir, 'dist'))) failures.push(`${pkg.manifest.name}: no dist/ (run pnpm build first)`);
      run('pnpm', ['pack', '--pack-destination', tarballs], pkg.dir, `pnpm pack ${pkg.manifest.name}`);
    }
    const packed = readdirSync(tarballs).filter((f) => f.endsWith('.tgz'));
    step(`packed ${packed.length} tarballs`);
    if (packed.length !== packages.length || failures.length > 0) return;

    const typescript = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> }).devDependencies.typescript;
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'voxframe-pack-check', private: true, version: '0.0.0' }, null, 2));
    step('npm install (tarballs, third-party dependencies from the registry)');
    run(
      'npm',
      ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', ...packed.map((f) => join(tarballs, f)), `typescript@${typescript}`, '@types/node@20'],
      project,
      'npm install of the tarballs',
    );
    if (failures.length > 0) return;

    for (const pkg of packages) {
      for (const file of pkg.files) {
        if (!existsSync(join(project, 'node_modules', pkg.manifest.name, String(pkg.manifest.exports?.[file]))))
          failures.push(`${pkg.manifest.name}: export ${file} -> ${String(pkg.manifest.exports?.[file])} is not in the tarball`);
      }
    }
    const entries = packages.flatMap((pkg) => pkg.subpaths.map((subpath) => ({ pkg, subpath, spec: specifier(pkg, subpath) })));

    // ESM import and CJS require of every entry, comparing export names.
    writeFileSync(
      join(project, 'load.mjs'),
      `import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const specs = ${JSON.stringify(entries.map((e) => e.spec))};
const problems = [];
const warnings = [];
const names = {};
for (const spec of specs) {
  let esm, cjs;
  try { esm = Object.keys(await import(spec)).filter((k) => k !== 'default').sort(); } catch (e) { problems.push(spec + ': ESM import failed: ' + e.message); }
  try { cjs = Object.keys(require(spec)).filter((k) => k !== 'default' && k !== '__esModule').sort(); } catch (e) { problems.push(spec + ': CJS require failed: ' + e.message); }
  if (esm && esm.length === 0) warnings.push(spec + ' exports nothing (an entry point not written yet?)');
  if (esm && cjs && esm.join() !== cjs.join()) problems.push(spec + ': ESM and CJS export different names: only ESM [' + esm.filter((n) => !cjs.includes(n)).join(', ') + '], only CJS [' + cjs.filter((n) => !esm.includes(n)).join(', ') + ']');
  names[spec] = esm ?? cjs ?? [];
}
console.log(JSON.stringify({ problems, warnings, names }));
`,
    );
    step(`ESM import + CJS require of ${entries.length} entry points`);
    const loaded = run(process.execPath, ['load.mjs'], project, 'loading the packages');
    if (loaded === '') return;
    const { problems, warnings, names } = JSON.parse(loaded.trim().split('\n').at(-1) as string) as {
      problems: string[];
      warnings: string[];
      names: Record<string, string[]>;
    };
    failures.push(...problems);
    for (const warning of warnings) step(`warning: ${warning}`);

    // A TypeScript sample naming every export, from an ES module and from a CommonJS module.
    const body = (style: 'esm' | 'cjs'): string =>
      entries
        .map(({ spec }) => {
          const alias = safeName(spec);
          const imported = style === 'esm' ? `import * as ${alias} from '${spec}';` : `import ${alias} = require('${spec}');`;
          const uses = (names[spec] ?? []).map((name) => `  ${alias}.${name},`).join('\n');
          return `${imported}\nexport const ${alias}_exports: readonly unknown[] = [\n${uses}\n];`;
        })
        .join('\n\n');
    writeFileSync(join(project, 'sample.mts'), `// Generated by scripts/pack-check.ts: every export of every entry, as an ES module sees it.\n${body('esm')}\n`);
    writeFileSync(join(project, 'sample.cts'), `// Generated by scripts/pack-check.ts: every export of every entry, as a CommonJS module sees it.\n${body('cjs')}\n`);
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify(
        {
          compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', strict: true, noEmit: true, skipLibCheck: false, types: ['node'] },
          files: ['sample.mts', 'sample.cts'],
        },
        null,
        2,
      ),
    );
    step('type-checking the samples (moduleResolution nodenext, ESM and CJS)');
    run(process.execPath, [join(project, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], project, 'tsc on the samples');
  } finally {
    if (keep) step(`scratch project kept at ${scratch}`);
    else rmSync(scratch, { recursive: true, force: true });
  }
}

main();
if (failures.length > 0) {
  process.stderr.write(`\npack-check FAILED (${failures.length}):\n\n${failures.join('\n\n')}\n`);
  process.exitCode = 1;
} else {
  step('all packages install, import, require and type-check from their tarballs');
}
