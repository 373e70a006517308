'use strict';
// How failures reach JavaScript: an Error with `code` (the status name), the
// plugin's message and, when the plugin returned JSON with the failure, `detail`.

// coursecrew_status, in the header's order (append-only there, so here too).
const STATUS_NAMES = [
  'COURSECREW_OK',
  'COURSECREW_E_INVALID_ARGUMENT',
  'COURSECREW_E_NOT_FOUND',
  'COURSECREW_E_IO',
  'COURSECREW_E_UNSUPPORTED',
  'COURSECREW_E_PACKAGE_INVALID',
  'COURSECREW_E_NO_MEMORY',
  'COURSECREW_E_ABI',
  'COURSECREW_E_INTERNAL',
];

function statusName(status) {
  return STATUS_NAMES[status] || `COURSECREW_E_UNKNOWN_${status}`;
}

class CoursecrewError extends Error {
  /**
   * @param {string} code   a status name (COURSECREW_E_...) or a binding code (ERR_COURSECREW_...)
   * @param {string} message
   * @param {object} [extra] `status` (the number) and `detail` (the plugin's JSON, parsed)
   */
  constructor(code, message, extra = {}) {
    super(message);
    this.name = 'CoursecrewError';
    this.code = code;
    if (extra.status !== undefined) this.status = extra.status;
    if (extra.detail !== undefined) this.detail = extra.detail;
  }
}

function closedError(what) {
  return new CoursecrewError('ERR_COURSECREW_CLOSED', `${what}: the coursecrew instance is closed`);
}

module.exports = { CoursecrewError, statusName, closedError, STATUS_NAMES };
