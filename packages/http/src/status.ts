// Go: net/http status.go — status code constants and their reason phrases.

/** `100 Continue` (RFC 9110, 15.2.1). */
export const StatusContinue = 100;
/** `101 Switching Protocols` (RFC 9110, 15.2.2). */
export const StatusSwitchingProtocols = 101;
/** `102 Processing` (RFC 2518, 10.1). */
export const StatusProcessing = 102;
/** `103 Early Hints` (RFC 8297). */
export const StatusEarlyHints = 103;
/** `200 OK` (RFC 9110, 15.3.1). */
export const StatusOK = 200;
/** `201 Created` (RFC 9110, 15.3.2). */
export const StatusCreated = 201;
/** `202 Accepted` (RFC 9110, 15.3.3). */
export const StatusAccepted = 202;
/** `203 Non-Authoritative Information` (RFC 9110, 15.3.4). */
export const StatusNonAuthoritativeInfo = 203;
/** `204 No Content` (RFC 9110, 15.3.5). */
export const StatusNoContent = 204;
/** `205 Reset Content` (RFC 9110, 15.3.6). */
export const StatusResetContent = 205;
/** `206 Partial Content` (RFC 9110, 15.3.7). */
export const StatusPartialContent = 206;
/** `207 Multi-Status` (RFC 4918, 11.1). */
export const StatusMultiStatus = 207;
/** `208 Already Reported` (RFC 5842, 7.1). */
export const StatusAlreadyReported = 208;
/** `226 IM Used` (RFC 3229, 10.4.1). */
export const StatusIMUsed = 226;
/** `300 Multiple Choices` (RFC 9110, 15.4.1). */
export const StatusMultipleChoices = 300;
/** `301 Moved Permanently` (RFC 9110, 15.4.2). */
export const StatusMovedPermanently = 301;
/** `302 Found` (RFC 9110, 15.4.3). */
export const StatusFound = 302;
/** `303 See Other` (RFC 9110, 15.4.4). */
export const StatusSeeOther = 303;
/** `304 Not Modified` (RFC 9110, 15.4.5). */
export const StatusNotModified = 304;
/** `305 Use Proxy` (RFC 9110, 15.4.6). */
export const StatusUseProxy = 305;
/** `307 Temporary Redirect` (RFC 9110, 15.4.8). */
export const StatusTemporaryRedirect = 307;
/** `308 Permanent Redirect` (RFC 9110, 15.4.9). */
export const StatusPermanentRedirect = 308;
/** `400 Bad Request` (RFC 9110, 15.5.1). */
export const StatusBadRequest = 400;
/** `401 Unauthorized` (RFC 9110, 15.5.2). */
export const StatusUnauthorized = 401;
/** `402 Payment Required` (RFC 9110, 15.5.3). */
export const StatusPaymentRequired = 402;
/** `403 Forbidden` (RFC 9110, 15.5.4). */
export const StatusForbidden = 403;
/** `404 Not Found` (RFC 9110, 15.5.5). */
export const StatusNotFound = 404;
/** `405 Method Not Allowed` (RFC 9110, 15.5.6). */
export const StatusMethodNotAllowed = 405;
/** `406 Not Acceptable` (RFC 9110, 15.5.7). */
export const StatusNotAcceptable = 406;
/** `407 Proxy Authentication Required` (RFC 9110, 15.5.8). */
export const StatusProxyAuthRequired = 407;
/** `408 Request Timeout` (RFC 9110, 15.5.9). */
export const StatusRequestTimeout = 408;
/** `409 Conflict` (RFC 9110, 15.5.10). */
export const StatusConflict = 409;
/** `410 Gone` (RFC 9110, 15.5.11). */
export const StatusGone = 410;
/** `411 Length Required` (RFC 9110, 15.5.12). */
export const StatusLengthRequired = 411;
/** `412 Precondition Failed` (RFC 9110, 15.5.13). */
export const StatusPreconditionFailed = 412;
/** `413 Request Entity Too Large` (RFC 9110, 15.5.14). */
export const StatusRequestEntityTooLarge = 413;
/** `414 Request URI Too Long` (RFC 9110, 15.5.15). */
export const StatusRequestURITooLong = 414;
/** `415 Unsupported Media Type` (RFC 9110, 15.5.16). */
export const StatusUnsupportedMediaType = 415;
/** `416 Requested Range Not Satisfiable` (RFC 9110, 15.5.17). */
export const StatusRequestedRangeNotSatisfiable = 416;
/** `417 Expectation Failed` (RFC 9110, 15.5.18). */
export const StatusExpectationFailed = 417;
/** `418 I'm a teapot` (RFC 9110, 15.5.19 (Unused)). */
export const StatusTeapot = 418;
/** `421 Misdirected Request` (RFC 9110, 15.5.20). */
export const StatusMisdirectedRequest = 421;
/** `422 Unprocessable Entity` (RFC 9110, 15.5.21). */
export const StatusUnprocessableEntity = 422;
/** `423 Locked` (RFC 4918, 11.3). */
export const StatusLocked = 423;
/** `424 Failed Dependency` (RFC 4918, 11.4). */
export const StatusFailedDependency = 424;
/** `425 Too Early` (RFC 8470, 5.2.). */
export const StatusTooEarly = 425;
/** `426 Upgrade Required` (RFC 9110, 15.5.22). */
export const StatusUpgradeRequired = 426;
/** `428 Precondition Required` (RFC 6585, 3). */
export const StatusPreconditionRequired = 428;
/** `429 Too Many Requests` (RFC 6585, 4). */
export const StatusTooManyRequests = 429;
/** `431 Request Header Fields Too Large` (RFC 6585, 5). */
export const StatusRequestHeaderFieldsTooLarge = 431;
/** `451 Unavailable For Legal Reasons` (RFC 7725, 3). */
export const StatusUnavailableForLegalReasons = 451;
/** `500 Internal Server Error` (RFC 9110, 15.6.1). */
export const StatusInternalServerError = 500;
/** `501 Not Implemented` (RFC 9110, 15.6.2). */
export const StatusNotImplemented = 501;
/** `502 Bad Gateway` (RFC 9110, 15.6.3). */
export const StatusBadGateway = 502;
/** `503 Service Unavailable` (RFC 9110, 15.6.4). */
export const StatusServiceUnavailable = 503;
/** `504 Gateway Timeout` (RFC 9110, 15.6.5). */
export const StatusGatewayTimeout = 504;
/** `505 HTTP Version Not Supported` (RFC 9110, 15.6.6). */
export const StatusHTTPVersionNotSupported = 505;
/** `506 Variant Also Negotiates` (RFC 2295, 8.1). */
export const StatusVariantAlsoNegotiates = 506;
/** `507 Insufficient Storage` (RFC 4918, 11.5). */
export const StatusInsufficientStorage = 507;
/** `508 Loop Detected` (RFC 5842, 7.2). */
export const StatusLoopDetected = 508;
/** `510 Not Extended` (RFC 2774, 7). */
export const StatusNotExtended = 510;
/** `511 Network Authentication Required` (RFC 6585, 6). */
export const StatusNetworkAuthenticationRequired = 511;

const statusTexts = new Map<number, string>([
  [StatusContinue, 'Continue'],
  [StatusSwitchingProtocols, 'Switching Protocols'],
  [StatusProcessing, 'Processing'],
  [StatusEarlyHints, 'Early Hints'],
  [StatusOK, 'OK'],
  [StatusCreated, 'Created'],
  [StatusAccepted, 'Accepted'],
  [StatusNonAuthoritativeInfo, 'Non-Authoritative Information'],
  [StatusNoContent, 'No Content'],
  [StatusResetContent, 'Reset Content'],
  [StatusPartialContent, 'Partial Content'],
  [StatusMultiStatus, 'Multi-Status'],
  [StatusAlreadyReported, 'Already Reported'],
  [StatusIMUsed, 'IM Used'],
  [StatusMultipleChoices, 'Multiple Choices'],
  [StatusMovedPermanently, 'Moved Permanently'],
  [StatusFound, 'Found'],
  [StatusSeeOther, 'See Other'],
  [StatusNotModified, 'Not Modified'],
  [StatusUseProxy, 'Use Proxy'],
  [StatusTemporaryRedirect, 'Temporary Redirect'],
  [StatusPermanentRedirect, 'Permanent Redirect'],
  [StatusBadRequest, 'Bad Request'],
  [StatusUnauthorized, 'Unauthorized'],
  [StatusPaymentRequired, 'Payment Required'],
  [StatusForbidden, 'Forbidden'],
  [StatusNotFound, 'Not Found'],
  [StatusMethodNotAllowed, 'Method Not Allowed'],
  [StatusNotAcceptable, 'Not Acceptable'],
  [StatusProxyAuthRequired, 'Proxy Authentication Required'],
  [StatusRequestTimeout, 'Request Timeout'],
  [StatusConflict, 'Conflict'],
  [StatusGone, 'Gone'],
  [StatusLengthRequired, 'Length Required'],
  [StatusPreconditionFailed, 'Precondition Failed'],
  [StatusRequestEntityTooLarge, 'Request Entity Too Large'],
  [StatusRequestURITooLong, 'Request URI Too Long'],
  [StatusUnsupportedMediaType, 'Unsupported Media Type'],
  [StatusRequestedRangeNotSatisfiable, 'Requested Range Not Satisfiable'],
  [StatusExpectationFailed, 'Expectation Failed'],
  [StatusTeapot, "I'm a teapot"],
  [StatusMisdirectedRequest, 'Misdirected Request'],
  [StatusUnprocessableEntity, 'Unprocessable Entity'],
  [StatusLocked, 'Locked'],
  [StatusFailedDependency, 'Failed Dependency'],
  [StatusTooEarly, 'Too Early'],
  [StatusUpgradeRequired, 'Upgrade Required'],
  [StatusPreconditionRequired, 'Precondition Required'],
  [StatusTooManyRequests, 'Too Many Requests'],
  [StatusRequestHeaderFieldsTooLarge, 'Request Header Fields Too Large'],
  [StatusUnavailableForLegalReasons, 'Unavailable For Legal Reasons'],
  [StatusInternalServerError, 'Internal Server Error'],
  [StatusNotImplemented, 'Not Implemented'],
  [StatusBadGateway, 'Bad Gateway'],
  [StatusServiceUnavailable, 'Service Unavailable'],
  [StatusGatewayTimeout, 'Gateway Timeout'],
  [StatusHTTPVersionNotSupported, 'HTTP Version Not Supported'],
  [StatusVariantAlsoNegotiates, 'Variant Also Negotiates'],
  [StatusInsufficientStorage, 'Insufficient Storage'],
  [StatusLoopDetected, 'Loop Detected'],
  [StatusNotExtended, 'Not Extended'],
  [StatusNetworkAuthenticationRequired, 'Network Authentication Required'],
]);

/** Go's `http.StatusText`: the reason phrase for `code`, or `''` when the code is unknown. */
export function statusText(code: number): string {
  return statusTexts.get(code) ?? '';
}
