// @ka/client — Go's net/http client: Transport (pooled keep-alive connections) and Client.
export {
  type CheckRedirectFunc,
  Client,
  ClientError,
  type ClientOptions,
  DefaultClient,
  DefaultTransport,
} from './client.js';
export { Canceled, contextError, DeadlineExceeded } from './context.js';
export type { Conn, DialFunc, DialOptions } from './dial.js';
export { ErrSchemeMismatch, ErrSkipAltProtocol, ErrUseLastResponse } from './errors.js';
export { createFetch, type FetchFunction, type FetchOptions, fetch } from './fetch.js';
export { maxWriteWaitBeforeConnReuse } from './persist-conn.js';
export {
  type ProxyConfig,
  proxyConfigFromEnvironment,
  proxyFromEnvironment,
  proxyFuncFromConfig,
  proxyURL,
  resetProxyConfig,
} from './proxy.js';
export { RecordHeaderError } from './tls.js';
export {
  type ClientTrace,
  contextClientTrace,
  type GotConnInfo,
  type WroteRequestInfo,
  withClientTrace,
} from './trace.js';
export {
  DefaultMaxIdleConnsPerHost,
  type ProxyFunc,
  type RoundTripper,
  Transport,
  type TransportOptions,
} from './transport.js';
