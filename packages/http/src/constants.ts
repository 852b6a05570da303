// Go: package-level constants of net/http shared by the server and the client.

/** Go's `http.DefaultMaxHeaderBytes`: the default cap on a request head, 1 MiB. */
export const DefaultMaxHeaderBytes = 1 << 20;

/**
 * Go's `http.TrailerPrefix`: a response header key with this prefix declares (and sets) a
 * trailer after the header was written.
 */
export const TrailerPrefix = 'Trailer:';
