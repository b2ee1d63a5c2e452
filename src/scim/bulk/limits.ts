/**
 * Maximum number of operations in one Bulk request (RFC 7644 §3.7.4), advertised in
 * `/ServiceProviderConfig` as `bulk.maxOperations`. A request with more is rejected with 413.
 */
export const BULK_MAX_OPERATIONS = 1000;

/**
 * Maximum size of a Bulk request body in bytes (RFC 7644 §3.7.4), advertised as
 * `bulk.maxPayloadSize`. It is the Fastify `bodyLimit` of `POST /Bulk`, so a larger body is
 * rejected with 413 before it is parsed. 4 MiB leaves about 4 KiB for each of 1000 operations.
 */
export const BULK_MAX_PAYLOAD_SIZE = 4 * 1024 * 1024;
