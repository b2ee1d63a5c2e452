/** Media type of every SCIM response (RFC 7644 §8.1). */
export const SCIM_MEDIA_TYPE = 'application/scim+json; charset=utf-8';

/** Request body media types the SCIM API parses as JSON; some clients send `text/json`. */
export const SCIM_REQUEST_MEDIA_TYPES = ['application/scim+json', 'application/json', 'text/json'];
