// @ka/http-server/httptest — Go's net/http/httptest: a recorder and a request factory for
// calling handlers directly, and a real loopback server for end-to-end tests.
export { DefaultRemoteAddr, ResponseRecorder } from './recorder.js';
export { type NewRequestOptions, newRequest, type TestRequestBody } from './request.js';
export { newServer, newUnstartedServer, Server, type ServerInit } from './server.js';
