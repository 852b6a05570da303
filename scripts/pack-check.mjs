// Proves each library installs on its own, the way a user gets it: `pnpm pack` every public
// @ka/* package, install the tarballs into an empty project outside the workspace (no
// workspace links), then load each ESM entry with Node and type-check an import of it with
// tsc. Prints `pack-check: N passed, N failed` and exits non-zero on any failure.
//
// Run: pnpm exec node scripts/pack-check.mjs   (after a build)
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const pkgs = readdirSync(join(root, 'packages'))
  .map((d) => join(root, 'packages', d))
  .filter((d) => existsSync(join(d, 'package.json')))
  .map((dir) => ({ dir, json: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) }))
  .filter((p) => !p.json.private);

const work = mkdtempSync(join(tmpdir(), 'ka-pack-'));
let passed = 0;
let failed = 0;
const check = (name, fn) => {
  try {
    fn();
    passed++;
    console.log(`  ok   ${name}`);
  } catch (e) {
    failed++;
    console.log(`  FAIL ${name}\n${String(e.stdout ?? '')}${String(e.stderr ?? '')}${e.message}`);
  }
};

try {
  const tarballs = [];
  for (const p of pkgs) {
    const out = execFileSync('pnpm', ['pack', '--pack-destination', work], {
      cwd: p.dir,
      encoding: 'utf8',
    });
    const tgz = out.trim().split('\n').pop().trim();
    tarballs.push(tgz.startsWith('/') ? tgz : join(work, tgz));
  }
  const app = join(work, 'app');
  execFileSync('mkdir', ['-p', app]);
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify({ name: 'app', private: true, type: 'module' }),
  );
  // npm, not pnpm: a plain consumer with no workspace. Every @ka dependency is satisfied by
  // the tarballs given together; nothing comes from a registry.
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--offline', ...tarballs], {
    cwd: app,
    encoding: 'utf8',
    stdio: 'pipe',
  });

  for (const p of pkgs) {
    const name = p.json.name;
    check(`${name}: tarball holds dist, no src or tests`, () => {
      const files = execFileSync('tar', ['-tzf', tarballs[pkgs.indexOf(p)]], { encoding: 'utf8' });
      const main = String(
        p.json.exports?.['.']?.default ?? p.json.main ?? './dist/index.js',
      ).replace(/^\.\//, '');
      if (!files.includes(`package/${main}`)) throw new Error(`no ${main} in tarball`);
      if (/package\/src\//.test(files)) throw new Error('src/ leaked into the tarball');
      if (/\.test\.(js|d\.ts)/.test(files)) throw new Error('tests leaked into the tarball');
      const manifest = JSON.parse(
        readFileSync(join(app, 'node_modules', name, 'package.json'), 'utf8'),
      );
      const deps = JSON.stringify(manifest.dependencies ?? {});
      if (deps.includes('workspace:'))
        throw new Error(`workspace: protocol left in dependencies ${deps}`);
    });
    check(`${name}: ESM entry loads in Node`, () => {
      const code = `const m = await import(${JSON.stringify(name)}); if (Object.keys(m).length === 0) { throw new Error('no exports'); }`;
      execFileSync(process.execPath, ['--input-type=module', '-e', code], {
        cwd: app,
        stdio: 'pipe',
      });
    });
    check(`${name}: types resolve under nodenext`, () => {
      const ts = join(app, `check-${name.replace('@ka/', '')}.ts`);
      writeFileSync(
        ts,
        `import * as m from ${JSON.stringify(name)};\nexport const keys: string[] = Object.keys(m);\n`,
      );
      writeFileSync(
        join(app, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: {
            module: 'nodenext',
            moduleResolution: 'nodenext',
            target: 'es2023',
            strict: true,
            noEmit: true,
            // the libraries are Node libraries: their users have Node's types
            types: ['node'],
            skipLibCheck: false,
            typeRoots: [join(root, 'node_modules/@types')],
          },
          files: [ts],
        }),
      );
      execFileSync(join(root, 'node_modules/.bin/tsc'), ['-p', join(app, 'tsconfig.json')], {
        cwd: app,
        stdio: 'pipe',
        encoding: 'utf8',
      });
    });
  }
} catch (e) {
  failed++;
  console.log(
    `pack-check setup failed: ${e.message}\n${String(e.stdout ?? '')}${String(e.stderr ?? '')}`,
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
console.log(`pack-check: ${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
