// The two servers a wire-level fuzz run talks to: ka's reference server (apps/reference-server,
// built) and Go's standard-library reference server (@ka/conformance builds it with the `go`
// on PATH). Both implement shared/conformance/REFERENCE_APP.md, so the same bytes in must give
// the same bytes out.
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildGoReference, findGo, ServerProcess } from '@ka/conformance';

export { goUnavailable } from '@ka/conformance';

const here = dirname(fileURLToPath(import.meta.url));

/** `apps/reference-server/dist/main.js` (from `src/` or `dist/` of this app). */
export const kaServerMain = resolve(here, '../../reference-server/dist/main.js');

/**
 * Flags both servers run with in the fuzz runs: every state of a connection is bounded by a
 * timeout (head, body, idle), so no input can hold a connection open for long.
 */
export const FuzzServerFlags: readonly string[] = [
  '--read-header-timeout',
  '1s',
  '--read-timeout',
  '3s',
  '--idle-timeout',
  '1s',
];

/** The longest any connection may stay open without client activity under {@link FuzzServerFlags}, ms. */
export const FuzzServerMaxHoldMs = 3_000;

/** Starts ka's reference server (throws when it has not been built). */
export async function startKa(flags: readonly string[] = FuzzServerFlags): Promise<ServerProcess> {
  if (!existsSync(kaServerMain)) {
    throw new Error(`${kaServerMain} is missing: build first (pnpm build, or turbo run build)`);
  }
  return ServerProcess.start(
    { program: process.execPath, args: [kaServerMain], label: 'ka reference-server' },
    flags,
  );
}

/** Builds (or reuses) and starts Go's reference server. */
export async function startGo(flags: readonly string[] = FuzzServerFlags): Promise<ServerProcess> {
  const go = await buildGoReference();
  return ServerProcess.start({ program: go.binary, args: [], label: go.goVersion }, flags);
}

/** The Go version line (`go version go1.26.8 linux/amd64`), for records. */
export async function goVersion(): Promise<string> {
  return (await findGo()).goVersion;
}
