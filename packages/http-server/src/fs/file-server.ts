// Go: fs.go Dir, FileSystem, File, FileServer, ServeFile, serveFile, dirList, toHTTPError,
// localRedirect, containsDotDot, mapOpenError.
import type { FileHandle } from 'node:fs/promises';
import * as fsp from 'node:fs/promises';
import * as nodePath from 'node:path';
import {
  type Request,
  StatusBadRequest,
  StatusForbidden,
  StatusInternalServerError,
  StatusMovedPermanently,
  StatusNotFound,
  URL,
} from '@ka/http';
import { is, sentinel } from '@ka/io';
import type { Handler, ResponseWriter } from '../handler.js';
import { error, htmlEscape } from '../mux/helpers.js';
import { pathClean } from '../mux/internal.js';
import {
  FileHandleReadSeeker,
  notModifiedSince,
  type ReadSeeker,
  serveContentSized,
  serveError,
  setLastModified,
  writeNotModified,
} from './serve-content.js';

/** Go's `fs.ErrNotExist`; Node's `ENOENT` counts as it too. */
export const ErrNotExist = sentinel('ERR_NOT_EXIST', 'file does not exist');
/** Go's `fs.ErrPermission`; Node's `EACCES` and `EPERM` count as it too. */
export const ErrPermission = sentinel('ERR_PERMISSION', 'permission denied');
// Go: errInvalidUnsafePath — a name filepath.Localize refuses (here: one holding NUL).
const errInvalidUnsafePath = sentinel(
  'ERR_INVALID_UNSAFE_PATH',
  'http: invalid or unsafe file path',
);

function errCode(err: unknown): unknown {
  return (err as { code?: unknown } | null)?.code;
}

// Go: errors.Is(err, fs.ErrNotExist) — also true for the syscall error behind it.
function isNotExist(err: unknown): boolean {
  return is(err, ErrNotExist) || errCode(err) === 'ENOENT';
}

function isPermission(err: unknown): boolean {
  const c = errCode(err);
  return is(err, ErrPermission) || c === 'EACCES' || c === 'EPERM';
}

/** Go's `fs.FileInfo`, reduced to what the file server uses. */
export interface FileInfo {
  /** The base name. */
  name: string;
  /** Length in bytes (meaningless for directories). */
  size: number;
  /** Modification time; `null` when unknown. */
  modTime: Date | null;
  /** Whether it is a directory. */
  isDir: boolean;
}

/** Go's `fs.DirEntry`, reduced to what a listing shows. */
export interface DirEntry {
  name: string;
  /** Whether the entry itself is a directory (a symlink to one is not, as in Go's ReadDir). */
  isDir: boolean;
}

/**
 * Go's `http.File`: an open file or directory that a {@link FileSystem} returns. Reading
 * and seeking serve file content; `readDir` lists a directory (Go's `ReadDir(-1)`).
 */
export interface File extends ReadSeeker {
  close(): Promise<void>;
  stat(): Promise<FileInfo>;
  readDir(): Promise<DirEntry[]>;
}

/**
 * Go's `http.FileSystem`: opens slash-separated names (always rooted, `/`-prefixed, when
 * called from {@link fileServer}). Reject with {@link ErrNotExist} or {@link ErrPermission}
 * (or a Node error with `ENOENT`/`EACCES`/`EPERM`) to get a 404 or 403.
 */
export interface FileSystem {
  open(name: string): Promise<File>;
}

// Go: *os.File as an http.File — reads go through the handle; directory listings read the
// path again (Node has no readdir on an open descriptor).
class OsFile extends FileHandleReadSeeker implements File {
  readonly #fh: FileHandle;
  readonly #path: string;

  constructor(fh: FileHandle, path: string) {
    super(fh);
    this.#fh = fh;
    this.#path = path;
  }

  close(): Promise<void> {
    return this.#fh.close();
  }

  async stat(): Promise<FileInfo> {
    const st = await this.#fh.stat();
    return {
      name: nodePath.basename(this.#path),
      size: st.size,
      modTime: st.mtime,
      isDir: st.isDirectory(),
    };
  }

  async readDir(): Promise<DirEntry[]> {
    const ents = await fsp.readdir(this.#path, { withFileTypes: true });
    return ents.map((e) => ({ name: e.name, isDir: e.isDirectory() }));
  }
}

// Go: mapOpenError — an error other than not-exist/permission (ENOTDIR, say) becomes
// ErrNotExist when some prefix of the path turns out to be a regular file, so that
// "/file.txt/x" is a 404 rather than a 500.
async function mapOpenError(originalErr: unknown, name: string): Promise<unknown> {
  if (isNotExist(originalErr) || isPermission(originalErr)) return originalErr;
  const parts = name.split('/');
  for (let i = 0; i < parts.length; i++) {
    if (parts[i] === '') continue;
    let st: Awaited<ReturnType<typeof fsp.stat>>;
    try {
      st = await fsp.stat(parts.slice(0, i + 1).join('/'));
    } catch {
      return originalErr;
    }
    if (!st.isDirectory()) return ErrNotExist;
  }
  return originalErr;
}

// Go: http.Dir — a directory tree on disk. The name is cleaned as if rooted, so `..`
// cannot climb above the root; symbolic links are followed wherever they point, as Go's
// Dir does (Go's docs say to use os.Root-style confinement yourself if that matters).
/**
 * A {@link FileSystem} serving the tree under `root` (Go's `http.Dir`); `''` means the
 * current directory. `..` in a name cannot leave the root, but symbolic links inside it are
 * followed even when they point outside (as in Go); dot-files are served too.
 */
export class Dir implements FileSystem {
  readonly root: string;

  constructor(root: string) {
    this.root = root;
  }

  // Go: Dir.Open — clean the name as rooted, refuse what Localize refuses, join to the root.
  async open(name: string): Promise<File> {
    let p = pathClean(`/${name}`).slice(1);
    if (p === '') p = '.';
    if (p.includes('\0')) throw errInvalidUnsafePath;
    const fullName = nodePath.join(this.root === '' ? '.' : this.root, p);
    let fh: FileHandle;
    try {
      fh = await fsp.open(fullName, 'r');
    } catch (err) {
      throw await mapOpenError(err, fullName);
    }
    return new OsFile(fh, fullName);
  }
}

/** Go's `http.Dir(root)` as a function. */
export function dir(root: string): Dir {
  return new Dir(root);
}

// Go: toHTTPError — the client sees a fixed message, never the error's text.
function toHttpError(err: unknown): [string, number] {
  if (isNotExist(err)) return ['404 page not found', StatusNotFound];
  if (isPermission(err)) return ['403 Forbidden', StatusForbidden];
  if (is(err, errInvalidUnsafePath)) return ['404 page not found', StatusNotFound];
  return ['500 Internal Server Error', StatusInternalServerError];
}

// Go: localRedirect — a relative Location (query kept) and a bare 301, no body; unlike
// Redirect it does not make the path absolute.
function localRedirect(w: ResponseWriter, r: Request, newPath: string): void {
  const q = r.url.rawQuery;
  if (q !== '') newPath += `?${q}`;
  w.header().set('Location', newPath);
  w.writeHeader(StatusMovedPermanently);
}

// Go: path.Base.
function pathBase(p: string): string {
  if (p === '') return '.';
  while (p.length > 0 && p[p.length - 1] === '/') p = p.slice(0, -1);
  const i = p.lastIndexOf('/');
  if (i >= 0) p = p.slice(i + 1);
  return p === '' ? '/' : p;
}

const utf8 = new TextEncoder();

// Go: sort by name — names compare as UTF-8 bytes.
function byteCompare(a: string, b: string): number {
  return Buffer.compare(utf8.encode(a), utf8.encode(b));
}

// Go: dirList — a minimal HTML page: each entry (directories with a trailing slash) as a
// link whose href is the name escaped as a URL path and whose text is HTML-escaped.
async function dirList(w: ResponseWriter, f: File): Promise<void> {
  let dirs: DirEntry[];
  try {
    dirs = await f.readDir();
  } catch {
    // Go also logs "http: error reading directory" through the request's server; the
    // request does not carry its server here.
    return error(w, 'Error reading directory', StatusInternalServerError);
  }
  dirs.sort((a, b) => byteCompare(a.name, b.name));

  w.header().set('Content-Type', 'text/html; charset=utf-8');
  let out = '<!doctype html>\n<meta name="viewport" content="width=device-width">\n<pre>\n';
  for (const d of dirs) {
    const name = d.isDir ? `${d.name}/` : d.name;
    // a first segment with a colon gets "./" so it cannot read as a scheme
    const href = new URL({ path: name }).toString();
    out += `<a href="${href}">${htmlEscape(name)}</a>\n`;
  }
  out += '</pre>\n';
  try {
    await w.write(out);
  } catch {
    // Go ignores Fprintf's errors
  }
}

const indexPage = '/index.html';

// Go: serveFile — the file server's core. `redirect` canonicalises the URL (directories end
// in a slash, files do not); ServeFile passes false. A directory is served through its
// index.html when there is one, else listed.
async function serveFileFrom(
  w: ResponseWriter,
  r: Request,
  fs: FileSystem,
  name: string,
  redirect: boolean,
): Promise<void> {
  // ".../index.html" is served as its directory: send the client there.
  if (r.url.path.endsWith(indexPage)) {
    localRedirect(w, r, './');
    return;
  }

  let f: File;
  try {
    f = await fs.open(name);
  } catch (err) {
    const [msg, code] = toHttpError(err);
    return serveError(w, msg, code);
  }
  const toClose: File[] = [f];
  try {
    let d: FileInfo;
    try {
      d = await f.stat();
    } catch (err) {
      const [msg, code] = toHttpError(err);
      return serveError(w, msg, code);
    }

    if (redirect) {
      const url = r.url.path;
      if (d.isDir) {
        if (!url.endsWith('/')) {
          localRedirect(w, r, `${pathBase(url)}/`);
          return;
        }
      } else if (url.endsWith('/')) {
        const base = pathBase(url);
        if (base === '/' || base === '.') {
          return serveError(
            w,
            'http: attempting to traverse a non-directory',
            StatusInternalServerError,
          );
        }
        localRedirect(w, r, `../${base}`);
        return;
      }
    }

    if (d.isDir) {
      const url = r.url.path;
      // ServeFile reaches here without the redirect step above
      if (url === '' || !url.endsWith('/')) {
        localRedirect(w, r, `${pathBase(url)}/`);
        return;
      }
      const index = (name.endsWith('/') ? name.slice(0, -1) : name) + indexPage;
      try {
        const ff = await fs.open(index);
        toClose.push(ff);
        const dd = await ff.stat();
        d = dd;
        f = ff;
      } catch {
        // no usable index.html: list the directory
      }
    }

    if (d.isDir) {
      if (notModifiedSince(r, d.modTime)) {
        writeNotModified(w);
        return;
      }
      setLastModified(w, d.modTime);
      return await dirList(w, f);
    }

    const size = d.size;
    await serveContentSized(w, r, d.name, d.modTime, () => Promise.resolve(size), f);
  } finally {
    for (const c of toClose.reverse()) {
      try {
        await c.close();
      } catch {
        // Go's deferred Close ignores its error too
      }
    }
  }
}

// Go: containsDotDot — a ".." element between slashes or backslashes.
function containsDotDot(v: string): boolean {
  if (!v.includes('..')) return false;
  return v.split(/[/\\]/).includes('..');
}

// Go: ServeFile — refuse ".." in the request path outright (the name may have been built
// from it), then serve `name` from the directory it names, without canonical redirects.
/**
 * Replies with the contents of the file or directory `name` on disk (Go's `http.ServeFile`).
 * A relative `name` is taken from the current directory and may climb with `..`; the
 * request path itself may not contain a `..` element (400 `invalid URL path`). A request
 * path ending in `/index.html` is redirected to `./`; a directory whose request path lacks
 * a trailing slash is redirected to add one; otherwise a directory is served through its
 * `index.html` or listed. Files go through {@link serveContent}'s rules.
 */
export async function serveFile(w: ResponseWriter, r: Request, name: string): Promise<void> {
  if (containsDotDot(r.url.path)) {
    return serveError(w, 'invalid URL path', StatusBadRequest);
  }
  const i = name.lastIndexOf('/');
  return serveFileFrom(w, r, new Dir(name.slice(0, i + 1)), name.slice(i + 1), false);
}

// Go: fileHandler.ServeHTTP — make the path rooted (on the request itself, as Go does),
// then serve its cleaned form with canonical redirects.
class FileHandler implements Handler {
  readonly #root: FileSystem;

  constructor(root: FileSystem) {
    this.#root = root;
  }

  serveHttp(w: ResponseWriter, r: Request): Promise<void> {
    let upath = r.url.path;
    if (!upath.startsWith('/')) {
      upath = `/${upath}`;
      r.url.path = upath;
    }
    return serveFileFrom(w, r, this.#root, pathClean(upath), true);
  }
}

/**
 * A handler serving requests from `root` (Go's `http.FileServer`), usually
 * `fileServer(dir('/var/www'))`. Besides {@link serveFile}'s behavior it redirects
 * directory paths to end in `/` and file paths not to (301, relative `Location`). Mount it
 * under a prefix with `stripPrefix('/static/', fileServer(dir('assets')))`.
 */
export function fileServer(root: FileSystem): Handler {
  return new FileHandler(root);
}
