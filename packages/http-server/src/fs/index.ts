// Go: net/http fs.go — static files: ServeContent, ServeFile, FileServer, Dir.
export {
  Dir,
  type DirEntry,
  dir,
  ErrNotExist,
  ErrPermission,
  type File,
  type FileInfo,
  type FileSystem,
  fileServer,
  serveFile,
} from './file-server.js';
export { typeByExtension } from './mime.js';
export {
  BytesReadSeeker,
  type Content,
  FileHandleReadSeeker,
  type ModTime,
  type ReadSeeker,
  SeekCurrent,
  SeekEnd,
  SeekStart,
  serveContent,
} from './serve-content.js';
