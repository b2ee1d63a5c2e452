/** Base class of the domain errors that the admin API maps to HTTP answers. */
export class DirectoryError extends Error {
  constructor(
    message: string,
    readonly status: 400 | 404 | 409,
    readonly code: string,
    /** The request field the error is about, when there is one. */
    readonly field?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** A request field is missing or invalid. */
export class InvalidFieldError extends DirectoryError {
  constructor(field: string, message: string) {
    super(`${field}: ${message}`, 400, 'invalid_field', field);
  }
}

/** The named object does not exist, or belongs to another organization. */
export class NotFoundError extends DirectoryError {
  constructor(kind: string, id: string) {
    super(`${kind} ${id} not found`, 404, 'not_found');
  }
}

/** The object would clash with an existing one. */
export class ConflictError extends DirectoryError {
  constructor(message: string, field?: string) {
    super(message, 409, 'conflict', field);
  }
}
