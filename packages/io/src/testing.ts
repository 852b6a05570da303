// Test helpers: readers and writers that misbehave on purpose (Go's testing/iotest).
export {
  ChunkReader,
  HalfReader,
  OneByteReader,
  RecordingWriter,
} from './internal/test-readers.js';
