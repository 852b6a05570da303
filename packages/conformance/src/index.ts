// @ka/conformance: wire-level conformance cases as data, a raw-TCP runner and reports.

export {
  type Bytes,
  checkHttpDate,
  DatePlaceholder,
  describeBytes,
  normalizeDates,
  parseHttpDate,
  type RepeatedBytes,
  repeat,
  toBuffer,
} from './bytes.js';
export {
  type Case,
  type CloseStep,
  type ConnectStep,
  type ConnStateName,
  type ConnStatesStep,
  DefaultCaseTimeoutMs,
  DefaultConn,
  type ExitStep,
  type ExpectedResponse,
  type ExpectStep,
  type FateStep,
  type HalfCloseStep,
  needsOwnServer,
  Priorities,
  type Priority,
  type SendStep,
  type SignalStep,
  type SilenceStep,
  type Step,
  stepConn,
  stepKind,
  validateCases,
  type WaitStep,
} from './case.js';
export {
  AnyPlaceholder,
  compareHeaderLines,
  compareRaw,
  compareResponse,
  expandedLength,
} from './compare.js';
export { knownDivergences, loadDivergences } from './divergences.js';
export {
  buildGoProgram,
  buildGoReference,
  defaultGoCacheDir,
  findGo,
  GoNotFoundError,
  type GoProgramOptions,
  type GoReference,
  goReferenceSourceDir,
  goUnavailable,
  MinGoMinor,
} from './go-reference.js';
export {
  type Counts,
  countVerdicts,
  formatComparison,
  formatResultLine,
  formatSummary,
  markdownComparison,
  markdownReport,
  markdownToHtml,
  suiteOk,
} from './report.js';
export {
  type Framing,
  type ParsedResponse,
  type ParseOptions,
  type ParseOutcome,
  parseResponse,
  valuesOf,
} from './response-parser.js';
export {
  type CaseResult,
  type Comparison,
  type ComparisonRow,
  compareIds,
  compareSuites,
  divergenceFor,
  errorResult,
  filterCases,
  type KnownDivergences,
  ProbeRequest,
  runCase,
  runSuite,
  ServerPool,
  type StepFailure,
  type SuiteOptions,
  type SuiteResult,
  type Verdict,
} from './runner.js';
export {
  killAllServers,
  parseServerCommand,
  type ServerCommand,
  ServerProcess,
  splitCommand,
} from './server-process.js';
export { type Ending, WireConn } from './wire-conn.js';
