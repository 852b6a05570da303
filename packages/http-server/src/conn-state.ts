// Go: http.ConnState — the states a server connection moves through, reported to the
// Server's `connState` hook.

/** Go's `http.ConnState`. `String()` of each is its lowercase name. */
export enum ConnState {
  /** A new connection that is expected to send a request immediately. */
  StateNew = 0,
  /** Bytes of a request were read; the handler has not finished. */
  StateActive = 1,
  /** Between requests on a keep-alive connection. */
  StateIdle = 2,
  /** Taken over by a handler; the server no longer tracks it. Terminal. */
  StateHijacked = 3,
  /** Closed by the server. Terminal. */
  StateClosed = 4,
}

/** `StateNew` — re-exported under Go's name. */
export const StateNew = ConnState.StateNew;
/** `StateActive` — re-exported under Go's name. */
export const StateActive = ConnState.StateActive;
/** `StateIdle` — re-exported under Go's name. */
export const StateIdle = ConnState.StateIdle;
/** `StateHijacked` — re-exported under Go's name. */
export const StateHijacked = ConnState.StateHijacked;
/** `StateClosed` — re-exported under Go's name. */
export const StateClosed = ConnState.StateClosed;

const names = ['new', 'active', 'idle', 'hijacked', 'closed'] as const;

/** Go's `ConnState.String()`: `new`, `active`, `idle`, `hijacked`, `closed`. */
export function connStateString(s: ConnState): string {
  return names[s] ?? `ConnState(${s})`;
}
