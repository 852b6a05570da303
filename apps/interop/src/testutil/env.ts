// What the machine lacks, for skip reasons: a test skips only when its peer is not installed.
import { existsSync } from 'node:fs';
import { goUnavailable } from '@ka/conformance';
import { nginxBinary, serveJs } from '../peers.js';

/** Why Go's programs cannot be built here, or null when `go` is usable. */
export const goMissing: string | null = await goUnavailable();

/** Why nginx cannot run here, or null. */
export const nginxMissing: string | null =
  nginxBinary === undefined ? 'nginx is not installed (Debian: apt-get install nginx-light)' : null;

/** Throws unless dist/serve.js (the out-of-process servers of the races) was built. */
export function requireBuilt(): void {
  if (!existsSync(serveJs)) {
    throw new Error(
      `${serveJs} is missing: build first (pnpm exec tsc -b apps/interop, or turbo run build)`,
    );
  }
}
