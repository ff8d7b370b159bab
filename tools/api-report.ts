/**
 * API reports: the public surface of each package, as reviewed text (`packages/<name>/api/<entry>.api.md`), made by
 * API Extractor from the `.d.ts` files tsup builds. A change of the public API shows up as a diff of these files.
 *
 *   pnpm api:check [package...]   build, compare with the committed reports, fail on any difference
 *   pnpm api:update [package...]  build and (re)write the reports
 *
 * Packages are given by folder name (`core`, `processors`, ...). Without names: every package that already has an
 * `api/` folder (packages without a report are skipped, and listed). `api:update <name>` creates a package's first
 * report. One report per `exports` entry with types (`.` -> `index.api.md`, `./testing` -> `testing.api.md`).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Extractor, ExtractorConfig, ExtractorLogLevel, type IConfigFile } from '@microsoft/api-extractor';

const root = resolve(__dirname, '..');
const packagesDir = join(root, 'packages');

interface PackageJson {
  readonly name: string;
  readonly exports?: Record<string, string | { readonly import?: { readonly types?: string } }>;
}

/** `{ reportName: typesFile }` for each `exports` entry that has ESM types. */
function entries(pkg: PackageJson): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [subpath, target] of Object.entries(pkg.exports ?? {})) {
    if (typeof target === 'string' || target.import?.types === undefined) continue;
    const name = subpath === '.' ? 'index' : subpath.replace(/^\.\//, '').replace(/\//g, '-');
    result[name] = target.import.types;
  }
  return result;
}

function extractorConfig(packageDir: string, reportName: string, typesFile: string, tempDir: string): IConfigFile {
  // A secondary entry (`./testing`) uses the main entry's types: they are public there, not forgotten.
  const forgotten = reportName === 'index' ? ExtractorLogLevel.Warning : ExtractorLogLevel.None;
  return {
    projectFolder: packageDir,
    mainEntryPointFilePath: join(packageDir, typesFile),
    compiler: {
      overrideTsconfig: {
        compilerOptions: { target: 'ES2022', lib: ['ES2023'], module: 'ESNext', moduleResolution: 'Bundler', types: ['node'], strict: true, skipLibCheck: true },
        include: [join(packageDir, 'dist')],
      },
    },
    apiReport: { enabled: true, reportFileName: reportName, reportFolder: join(packageDir, 'api'), reportTempFolder: tempDir },
    docModel: { enabled: false },
    dtsRollup: { enabled: false },
    tsdocMetadata: { enabled: false },
    messages: {
      compilerMessageReporting: { default: { logLevel: ExtractorLogLevel.Warning } },
      extractorMessageReporting: {
        default: { logLevel: ExtractorLogLevel.Warning, addToApiReportFile: true },
        // Release tags (@public/@beta) are not used: what the index exports is public, the rest is not exported.
        'ae-missing-release-tag': { logLevel: ExtractorLogLevel.None },
        'ae-internal-missing-underscore': { logLevel: ExtractorLogLevel.None },
        'ae-forgotten-export': { logLevel: forgotten, addToApiReportFile: forgotten !== ExtractorLogLevel.None },
        // tsup concatenates modules, so each module's @packageDocumentation lands mid-file: an artifact, not an error.
        'ae-misplaced-package-tag': { logLevel: ExtractorLogLevel.None },
        // TSDoc coverage is reviewed in the sources; the report is about the surface.
        'ae-undocumented': { logLevel: ExtractorLogLevel.None },
      },
      tsdocMessageReporting: { default: { logLevel: ExtractorLogLevel.None } },
    },
  };
}

function main(): void {
  const [mode, ...names] = process.argv.slice(2);
  if (mode !== 'check' && mode !== 'update') throw new Error('usage: tsx tools/api-report.ts check|update [package...]');
  const all = readdirSync(packagesDir).filter((name) => existsSync(join(packagesDir, name, 'package.json')));
  const unknown = names.filter((name) => !all.includes(name));
  if (unknown.length > 0) throw new Error(`unknown package(s): ${unknown.join(', ')} (known: ${all.join(', ')})`);
  const withReport = (name: string): boolean => existsSync(join(packagesDir, name, 'api'));
  const chosen = names.length > 0 ? names : all.filter(withReport);
  const skipped = (names.length > 0 ? names : all).filter((name) => mode === 'check' && !withReport(name));
  if (skipped.length > 0) console.log(`api: no report yet (skipped; create with pnpm api:update <name>): ${skipped.join(', ')}`);
  const changed: string[] = [];
  const targets = chosen.filter((n) => !skipped.includes(n));
  const packageJson = (name: string): PackageJson => JSON.parse(readFileSync(join(packagesDir, name, 'package.json'), 'utf8')) as PackageJson;
  if (targets.length > 0) {
    // The packages and what they depend on (their .d.ts import @voxframe/core's), built once, in dependency order.
    console.log(`api: building ${targets.join(', ')} (and their workspace dependencies)`);
    const filters = targets.flatMap((name) => ['--filter', `${packageJson(name).name}...`]);
    execFileSync('pnpm', ['-r', ...filters, 'build'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  }
  for (const name of targets) {
    const packageDir = join(packagesDir, name);
    const pkg = packageJson(name);
    if (mode === 'update') mkdirSync(join(packageDir, 'api'), { recursive: true });
    const tempDir = join(root, 'node_modules', '.cache', 'api-report', name);
    rmSync(tempDir, { recursive: true, force: true });
    for (const [reportName, typesFile] of Object.entries(entries(pkg))) {
      const config = ExtractorConfig.prepare({
        configObject: extractorConfig(packageDir, reportName, typesFile, tempDir),
        configObjectFullPath: undefined,
        packageJsonFullPath: join(packageDir, 'package.json'),
      });
      const result = Extractor.invoke(config, { localBuild: mode === 'update', showVerboseMessages: false });
      const file = `packages/${name}/api/${reportName}.api.md`;
      if (!result.succeeded && mode === 'check') changed.push(file);
      else if (result.apiReportChanged) console.log(`api: ${mode === 'update' ? 'wrote' : 'differs'} ${file}`);
      if (mode === 'update' && !result.succeeded && !result.apiReportChanged) throw new Error(`API Extractor failed on ${file}`);
    }
  }
  if (changed.length > 0) {
    console.error(`api: the public API changed (${changed.join(', ')}). Review it, then run pnpm api:update ${[...new Set(changed.map((f) => f.split('/')[1]))].join(' ')} and commit the reports.`);
    process.exit(1);
  }
  console.log(mode === 'check' ? 'api: reports up to date' : 'api: reports written');
}

main();
