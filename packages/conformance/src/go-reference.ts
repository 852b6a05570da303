// Building the Go reference server (go-reference/main.go) with the `go` on PATH.
//
// The build happens in a cache folder of this package (.cache/go-reference): the source is
// copied there with a go.mod whose `go` line names the running toolchain's version, so the
// program gets that Go's default GODEBUG settings ("the running Go wins") while the checked-in
// go.mod stays at 1.23 for the Debian fallback toolchain. GOCACHE lives there too.

import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The built reference server. */
export interface GoReference {
  /** Absolute path of the executable. */
  readonly binary: string;
  /** `go version` output, e.g. `go version go1.26.8 linux/amd64`. */
  readonly goVersionLine: string;
  /** The toolchain version, e.g. `go1.26.8`. */
  readonly goVersion: string;
  /** False when a cached binary for the same source and toolchain was reused. */
  readonly built: boolean;
}

/** Thrown by {@link buildGoReference} when there is no usable `go` command. */
export class GoNotFoundError extends Error {
  override readonly name = 'GoNotFoundError';
}

/** Oldest Go that builds the reference (Debian's fallback toolchain). */
export const MinGoMinor = 23;

/** The folder of this package (the one holding its package.json). */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const pj = join(dir, 'package.json');
    if (existsSync(pj) && readFileSync(pj, 'utf8').includes('"@ka/conformance"')) return dir;
    dir = dirname(dir);
  }
  throw new Error('cannot find the @ka/conformance package folder');
}

/** Folder of the Go reference sources. */
export function goReferenceSourceDir(): string {
  return join(packageRoot(), 'go-reference');
}

/** Default build folder: `<package>/.cache/go-reference`. */
export function defaultGoCacheDir(): string {
  return join(packageRoot(), '.cache', 'go-reference');
}

function run(
  cmd: string,
  args: readonly string[],
  opts: { env?: NodeJS.ProcessEnv; cwd?: string; timeout: number },
): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { ...opts, maxBuffer: 8 << 20 }, (err, stdout, stderr) => {
      if (err !== null) {
        Object.assign(err, { stdout, stderr });
        reject(err);
      } else {
        resolve({ stdout, stderr });
      }
    });
  });
}

/**
 * Reports the `go` toolchain: `go version` line and version, or throws
 * {@link GoNotFoundError} with a message saying how to get one.
 */
export async function findGo(
  goCommand = 'go',
): Promise<{ goVersionLine: string; goVersion: string }> {
  let out: string;
  try {
    out = (
      await run(goCommand, ['version'], {
        timeout: 30_000,
        env: { ...process.env, GOTOOLCHAIN: 'local' },
      })
    ).stdout.trim();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new GoNotFoundError(
      code === 'ENOENT'
        ? `no \`${goCommand}\` on PATH: the conformance suite needs Go ≥ 1.${MinGoMinor} to build its reference server (see /work/shared/TOOLCHAIN.md: Debian's golang-1.23-go from bookworm-backports works)`
        : `\`${goCommand} version\` failed: ${(err as Error).message}`,
    );
  }
  const m = /\bgo version (go\d+\.\d+(?:\.\d+)?\S*)/.exec(out);
  if (m === null)
    throw new GoNotFoundError(`cannot read the Go version from ${JSON.stringify(out)}`);
  return { goVersionLine: out, goVersion: m[1]! };
}

/**
 * Why Go's programs cannot be built here (the {@link GoNotFoundError} message), or `null`
 * when `go` is usable: the skip reason of every suite that needs Go. Other failures throw.
 */
export async function goUnavailable(goCommand = 'go'): Promise<string | null> {
  try {
    await findGo(goCommand);
    return null;
  } catch (err) {
    if (err instanceof GoNotFoundError) return err.message;
    throw err;
  }
}

/**
 * Builds (or reuses) the Go reference server.
 *
 * @param opts.cacheDir build folder (default {@link defaultGoCacheDir})
 * @param opts.go the go command (default `go`, from PATH)
 * @throws GoNotFoundError without a usable Go; Error with the compiler output if the build fails.
 */
export async function buildGoReference(
  opts: { cacheDir?: string; go?: string } = {},
): Promise<GoReference> {
  return buildGoProgram({
    name: 'go-reference',
    srcDir: goReferenceSourceDir(),
    cacheDir: opts.cacheDir ?? defaultGoCacheDir(),
    what: 'the Go reference',
    ...(opts.go !== undefined ? { go: opts.go } : {}),
  });
}

/** What {@link buildGoProgram} builds. */
export interface GoProgramOptions {
  /** Program name: module `ka/<name>`, binary `<name>-<stamp>`. */
  readonly name: string;
  /** Folder holding the program's `main.go` (and a `go.mod` for unknown Go versions). */
  readonly srcDir: string;
  /** Build folder (sources, binaries). */
  readonly cacheDir: string;
  /** GOCACHE (default `<cacheDir>/gocache`); programs may share one. */
  readonly goCache?: string;
  /** The go command (default `go`, from PATH). */
  readonly go?: string;
  /** What the program is, for messages (default `the ${name}`). */
  readonly what?: string;
}

/**
 * Builds (or reuses) a single-file, standard-library-only Go program the way the reference
 * server is built: copied to `<cacheDir>/src` with a `go.mod` naming the running toolchain's
 * version, binary cached under a hash of source and `go version`.
 *
 * @throws GoNotFoundError without a usable Go; Error with the compiler output if the build fails.
 */
export async function buildGoProgram(opts: GoProgramOptions): Promise<GoReference> {
  const go = opts.go ?? 'go';
  const { name, cacheDir } = opts;
  const what = opts.what ?? `the ${name}`;
  const { goVersionLine, goVersion } = await findGo(go);
  const vm = /^go1\.(\d+)/.exec(goVersion);
  if (vm !== null && Number(vm[1]) < MinGoMinor) {
    throw new GoNotFoundError(`${goVersionLine}: ${what} needs Go ≥ 1.${MinGoMinor}`);
  }
  const srcDir = opts.srcDir;
  const mainGo = await readFile(join(srcDir, 'main.go'), 'utf8');
  const goMod =
    vm !== null
      ? `module ka/${name}\n\ngo 1.${vm[1]}\n`
      : await readFile(join(srcDir, 'go.mod'), 'utf8');
  const stamp = createHash('sha256')
    .update(goVersionLine)
    .update('\0')
    .update(goMod)
    .update('\0')
    .update(mainGo)
    .digest('hex')
    .slice(0, 16);
  const binDir = join(cacheDir, 'bin');
  const binary = join(binDir, `${name}-${stamp}`);
  if (existsSync(binary)) return { binary, goVersionLine, goVersion, built: false };

  const buildDir = join(cacheDir, 'src');
  await mkdir(buildDir, { recursive: true });
  await mkdir(binDir, { recursive: true });
  await writeFile(join(buildDir, 'main.go'), mainGo);
  await writeFile(join(buildDir, 'go.mod'), goMod);
  const tmp = `${binary}.tmp-${process.pid}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    GOFLAGS: '-mod=mod',
    GOPROXY: 'off',
    GOTOOLCHAIN: 'local',
    GOCACHE: opts.goCache ?? join(cacheDir, 'gocache'),
    GOPATH: join(cacheDir, 'gopath'),
    CGO_ENABLED: '0',
  };
  try {
    await run(go, ['build', '-o', tmp, '.'], { cwd: buildDir, env, timeout: 600_000 });
  } catch (err) {
    await rm(tmp, { force: true });
    const e = err as Error & { stderr?: string };
    throw new Error(`building ${what} failed: ${e.message}\n${e.stderr ?? ''}`);
  }
  await rename(tmp, binary);
  // binaries of older sources or toolchains are of no further use
  for (const f of await readdir(binDir)) {
    if (f.startsWith(`${name}-`) && join(binDir, f) !== binary && !f.includes('.tmp-')) {
      await rm(join(binDir, f), { force: true });
    }
  }
  return { binary, goVersionLine, goVersion, built: true };
}
